// Authenticated encryption of sensitive fields (AES-256-GCM) with DATA_KEY.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = 1;

/** base64( version ‖ iv(12) ‖ tag(16) ‖ ciphertext ) */
export const seal = (key: Buffer, plaintext: string): string => {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]).toString("base64");
};

/** Throws when the data was altered or sealed with another key. */
export const open = (key: Buffer, sealed: string): string => {
  const raw = Buffer.from(sealed, "base64");
  if (raw[0] !== VERSION || raw.length < 29) throw new Error("sealed data: unknown format");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(1, 13));
  decipher.setAuthTag(raw.subarray(13, 29));
  return Buffer.concat([decipher.update(raw.subarray(29)), decipher.final()]).toString("utf8");
};
