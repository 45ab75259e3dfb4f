// Authenticated encryption of sensitive fields (AES-256-GCM) with DATA_KEY.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = 1;

/**
 * IVs are taken in turn from a block of random bytes, drawn afresh when it is used up: every IV is still
 * 12 bytes from the CSPRNG, used once, but the generator is asked once per 256 seals instead of for each
 * (a seal per snapshot and per message: it was about 2% of an update's CPU).
 */
const IV_BYTES = 12;
const IV_BLOCK = IV_BYTES * 256;
let ivs = Buffer.alloc(0);
let ivAt = 0;
const nextIv = (): Buffer => {
  if (ivAt + IV_BYTES > ivs.length) {
    ivs = randomBytes(IV_BLOCK);
    ivAt = 0;
  }
  const iv = ivs.subarray(ivAt, ivAt + IV_BYTES);
  ivAt += IV_BYTES;
  return iv;
};

/** base64( version ‖ iv(12) ‖ tag(16) ‖ ciphertext ) */
export const seal = (key: Buffer, plaintext: string): string => {
  const iv = nextIv();
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
