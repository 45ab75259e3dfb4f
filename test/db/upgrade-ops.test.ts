// Texts an earlier version kept in the clear (a mediation's proposal terms and counter-offer notes) are sealed at
// the bot's start: the operator's commands run after an upgrade and before that start — the bot stopped, as PGlite
// requires for data:* commands — seal them first too, instead of stopping half-way (data:rotate-key left a database
// neither key would start) or crashing (data:export). A review of that change; each test failed before its fix.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkDataKey } from "../../bot/at-rest.js";
import { open, seal } from "../../bot/crypto.js";
import { openDatabase } from "../../bot/db/database.js";
import type { Prisma } from "../../bot/core/actor.js";
import { rotateDataKey } from "../../bot/ops/rotate.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { ops } from "../helpers/ops.js";

const OLD = randomBytes(32);
const NEW = randomBytes(32);
let t: TestDb;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => t.reset());

/** A database an earlier version ran on (its canary recorded), with a mediation's proposal in the clear. */
const earlierVersionData = async (prisma: Prisma) => {
  await checkDataKey(prisma, OLD);
  await prisma.user.create({ data: { id: 51n, language: "ru", consentAt: new Date("2026-11-01T10:00:00Z"), consentVersion: "v1" } });
  const k = await prisma.case.create({
    data: {
      number: "KZ-2026-000001", year: 2026, seq: 1, orgName: "Емхана", region: "astana", language: "ru",
      answers: { relation: "self", birthDate: "1985-03-01", careFrom: "2026-11-02", careTo: "2026-11-02", submittedOn: "2026-11-03" },
      sensitive: seal(OLD, JSON.stringify({ iin: "850301300121", phone: "+77010000000", description: "Осложнение.", name: "Иванова Анна Сергеевна" })),
      participants: { create: { userId: 51n, role: "applicant" } },
    },
  });
  await prisma.proposal.create({
    data: { caseId: k.id, round: 1, authorId: 51n, authorRole: "applicant", amountTenge: 2_000_000n, terms: "Реабилитация дороже.", responses: { create: { userId: 51n, answer: "counter", note: "Реабилитация дороже." } } },
  });
};

describe("operator's commands on data an earlier version stored, before the new version's first start", () => {
  it("data:rotate-key finishes (a proposal's clear terms do not stop it half-way, leaving a database neither key starts)", async () => {
    await earlierVersionData(t.db.prisma);
    await expect(rotateDataKey(t.db.prisma, OLD, NEW)).resolves.toBeDefined();
    await expect(checkDataKey(t.db.prisma, NEW)).resolves.not.toThrow();
    const p = await t.db.prisma.proposal.findFirstOrThrow({ include: { responses: true } });
    expect(open(NEW, p.terms)).toBe("Реабилитация дороже.");
    expect(open(NEW, p.responses[0]!.note!)).toBe("Реабилитация дороже.");
    // The patient's birth date kept in the clear (the IIN's first six digits): sealed with the old key, then re-sealed.
    const k = await t.db.prisma.case.findFirstOrThrow();
    expect(k.answers).not.toHaveProperty("birthDate");
    expect(JSON.parse(open(NEW, k.sensitive))).toMatchObject({ iin: "850301300121", birthDate: "1985-03-01" });
  });

  it("npm run data:export gives the user's data (their counter-offer's note kept in the clear is not a crash)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kelisim-upgrade-"));
    try {
      const db = await openDatabase({ url: null, dataDir: dir });
      await earlierVersionData(db.prisma);
      await db.close();
      const exported = await ops(["data-export", "--user", "51"], { DATA_DIR: dir, DATA_KEY: OLD.toString("base64") });
      expect([exported.code, exported.err]).toEqual([0, ""]);
      const json = JSON.parse(exported.out) as { counterOffers: { note: string }[]; cases: { notice: { birthDate: string } }[] };
      expect(json.counterOffers.map((c) => c.note)).toEqual(["Реабилитация дороже."]);
      expect(json.cases.map((c) => c.notice.birthDate)).toEqual(["1985-03-01"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
