// The data's key and what is sealed with it: a start with another DATA_KEY is refused before anything is
// read or written with it; patients' names stored in the clear by earlier versions are sealed, once.
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkDataKey, DataKeyError, prepareDataAtRest, sealBirthDates, sealConclusionSummaries, sealPatientNames, sealProposalTexts } from "../../bot/at-rest.js";
import { conclusionSummary, openSensitive } from "../../bot/core/case.js";
import { open, seal } from "../../bot/crypto.js";
import { collectMyData } from "../../bot/features/mydata/mydata.js";
import { loadNoticeDocument, noticeFields } from "../../bot/features/notice/document.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { TEST_DATA_KEY, testBot } from "../helpers/bot.js";
import { createLogger, safeLogger } from "../../bot/logger.js";
import { rotateDataKey } from "../../bot/ops/rotate.js";

const KEY = randomBytes(32);
const OTHER = randomBytes(32);
let t: TestDb;
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => t.reset());

/** A case as versions before issue 13 stored it: the patient's name in the plain answers. */
const oldCase = (seq: number, name: string, key = KEY) =>
  t.db.prisma.case.create({
    data: {
      number: `KZ-2026-${String(seq).padStart(6, "0")}`, year: 2026, seq, orgName: "Емхана", region: "astana", language: "ru",
      answers: { relation: "self", name, birthDate: "1985-03-01", careFrom: "2026-11-02", careTo: "2026-11-02", submittedOn: "2026-11-03" },
      sensitive: seal(key, JSON.stringify({ iin: "850301300121", phone: "+77010000000", description: "Осложнение." })),
    },
  });

describe("the data key's canary", () => {
  it("the first start records it; the same key passes again, another is refused", async () => {
    await checkDataKey(t.db.prisma, KEY);
    const canary = await t.db.prisma.meta.findUniqueOrThrow({ where: { key: "dataKeyCanary" } });
    expect(open(KEY, canary.value)).toBe("kelisim data key canary");
    await checkDataKey(t.db.prisma, KEY);
    await expect(checkDataKey(t.db.prisma, OTHER)).rejects.toThrow(DataKeyError);
    await expect(checkDataKey(t.db.prisma, OTHER)).rejects.toThrow(/^Data key error: DATA_KEY is not the key this database's data was sealed with/);
    expect(await t.db.prisma.meta.count()).toBe(1);
  });

  it("a database from before the canary, opened with another key, is refused and left as it was", async () => {
    await oldCase(1, "Иванова Анна Сергеевна");
    await expect(prepareDataAtRest(t.db.prisma, OTHER)).rejects.toThrow(DataKeyError);
    expect(await t.db.prisma.meta.count()).toBe(0);
    expect((await t.db.prisma.case.findFirstOrThrow()).answers).toMatchObject({ name: "Иванова Анна Сергеевна" });
  });
});

describe("patients' names at rest", () => {
  it("names kept in the clear by earlier versions are sealed with the IIN, once; the notice still shows them", async () => {
    await oldCase(1, "Иванова Анна Сергеевна");
    await oldCase(2, "Серікова Әсел Нұрланқызы");
    expect(await prepareDataAtRest(t.db.prisma, KEY)).toEqual({ namesSealed: 2, summariesSealed: 0, proposalsSealed: 0, birthDatesSealed: 2 });
    const raw = JSON.stringify(await t.db.prisma.$queryRawUnsafe(`SELECT * FROM "Case"`));
    for (const name of ["Иванова", "Анна", "Серікова", "Әсел"]) expect(raw).not.toContain(name);
    const rows = await t.db.prisma.case.findMany({ orderBy: { id: "asc" } });
    expect(rows.map((r) => openSensitive(KEY, r.sensitive))).toEqual([
      { iin: "850301300121", phone: "+77010000000", description: "Осложнение.", name: "Иванова Анна Сергеевна", birthDate: "1985-03-01" },
      { iin: "850301300121", phone: "+77010000000", description: "Осложнение.", name: "Серікова Әсел Нұрланқызы", birthDate: "1985-03-01" },
    ]);
    expect(rows[0]!.answers).toEqual({ relation: "self", careFrom: "2026-11-02", careTo: "2026-11-02", submittedOn: "2026-11-03" });
    expect((await loadNoticeDocument(t.db.prisma, rows[0]!.id, KEY))?.name).toBe("Иванова Анна Сергеевна");
    // Done once: a later start does nothing, even for a row that looks old.
    await oldCase(3, "Петров Пётр");
    expect(await sealPatientNames(t.db.prisma, KEY)).toBe(0);
    expect(await prepareDataAtRest(t.db.prisma, KEY)).toEqual({ namesSealed: 0, summariesSealed: 0, proposalsSealed: 0, birthDatesSealed: 0 });
  });
});

describe("patients' dates of birth at rest", () => {
  it("a birth date kept in the clear by earlier versions (half of the sealed IIN) is sealed with the IIN, once; the notice and /mydata still show it", async () => {
    await t.db.prisma.user.create({ data: { id: 51n, language: "ru" } });
    // A case of the version that sealed the name but not the birth date.
    const k = await t.db.prisma.case.create({
      data: {
        number: "KZ-2026-000001", year: 2026, seq: 1, orgName: "Емхана", region: "astana", language: "ru",
        answers: { relation: "self", birthDate: "1985-03-01", careFrom: "2026-11-02", careTo: "2026-11-02", submittedOn: "2026-11-03" },
        sensitive: seal(KEY, JSON.stringify({ iin: "850301300121", phone: "+77010000000", description: "Осложнение.", name: "Иванова Анна Сергеевна" })),
        participants: { create: { userId: 51n, role: "applicant", relation: "self" } },
      },
    });
    expect(await prepareDataAtRest(t.db.prisma, KEY)).toEqual({ namesSealed: 0, summariesSealed: 0, proposalsSealed: 0, birthDatesSealed: 1 });
    const raw = JSON.stringify(await t.db.prisma.$queryRawUnsafe(`SELECT * FROM "Case"`));
    for (const date of ["1985-03-01", "01.03.1985"]) expect(raw).not.toContain(date);
    const row = await t.db.prisma.case.findUniqueOrThrow({ where: { id: k.id } });
    expect(row.answers).toEqual({ relation: "self", careFrom: "2026-11-02", careTo: "2026-11-02", submittedOn: "2026-11-03" });
    expect(openSensitive(KEY, row.sensitive)).toEqual({ iin: "850301300121", phone: "+77010000000", description: "Осложнение.", name: "Иванова Анна Сергеевна", birthDate: "1985-03-01" });
    // What the notice (its PDF, staff's view) and /mydata show.
    const doc = (await loadNoticeDocument(t.db.prisma, k.id, KEY))!;
    expect(noticeFields(doc)).toContainEqual([{ key: "pdf.birthDate" }, "01.03.1985"]);
    expect((await collectMyData(t.db.prisma, 51, KEY, new Date("2026-11-23T10:00:00+05:00"))).cases).toMatchObject([{ notice: { iin: "850301300121", birthDate: "1985-03-01" } }]);
    // Done once: a later start does nothing, even for a row that looks old.
    await oldCase(2, "Петров Пётр");
    expect(await sealBirthDates(t.db.prisma, KEY)).toBe(0);
  });
});

describe("a birth date written in the clear after start-up (an older instance beside an upgraded one)", () => {
  it("is sealed by the recurring job after its pause, by whichever instance runs it; its next run rewrites nothing", async () => {
    const log = createLogger("silent");
    let now = new Date("2026-11-23T10:00:00+05:00");
    expect(await prepareDataAtRest(t.db.prisma, TEST_DATA_KEY)).toEqual({ namesSealed: 0, summariesSealed: 0, proposalsSealed: 0, birthDatesSealed: 0 });
    const h1 = await testBot(t.db, { now: () => now });
    const h2 = await testBot(await t.another(), { now: () => now });
    await h1.runtime.start(now);
    await h2.runtime.start(now);
    // Filed after start-up by an instance of the version before the birth date's sealing: it keeps the date in the clear.
    const older = await t.db.prisma.case.create({
      data: {
        number: "KZ-2026-000001", year: 2026, seq: 1, orgName: "Емхана", region: "astana", language: "ru",
        answers: { relation: "self", birthDate: "1985-03-01", careFrom: "2026-11-02", careTo: "2026-11-02", submittedOn: "2026-11-03" },
        sensitive: seal(TEST_DATA_KEY, JSON.stringify({ iin: "850301300121", phone: "+77010000000", description: "Осложнение.", name: "Иванова Анна Сергеевна" })),
      },
    });
    const clear = async () => JSON.stringify(await t.db.prisma.$queryRawUnsafe(`SELECT * FROM "Case"`)).includes("1985-03-01");
    // Before its time the job does not run; at its time, on both instances at once, the date is sealed.
    await h1.runtime.runJobs((now = new Date("2026-11-23T10:09:00+05:00")), h1.bot.api, log);
    expect(await clear()).toBe(true);
    now = new Date("2026-11-23T10:10:01+05:00");
    await Promise.all([h1.runtime.runJobs(now, h1.bot.api, log), h2.runtime.runJobs(now, h2.bot.api, log)]);
    expect(await clear()).toBe(false);
    const row = await t.db.prisma.case.findUniqueOrThrow({ where: { id: older.id } });
    expect(row.answers).toEqual({ relation: "self", careFrom: "2026-11-02", careTo: "2026-11-02", submittedOn: "2026-11-03" });
    expect(openSensitive(TEST_DATA_KEY, row.sensitive)).toEqual({ iin: "850301300121", phone: "+77010000000", description: "Осложнение.", name: "Иванова Анна Сергеевна", birthDate: "1985-03-01" });
    expect((await loadNoticeDocument(t.db.prisma, older.id, TEST_DATA_KEY))?.birthDate).toBe("1985-03-01");
    // One job, due again after its pause; its next run finds nothing and rewrites nothing.
    const jobs = await t.db.prisma.scheduledJob.findMany({ where: { kind: "reseal_birth_dates" } });
    expect(jobs.map((j) => [j.state, j.dueAt.toISOString()])).toEqual([["pending", "2026-11-23T05:20:01.000Z"]]);
    await h1.runtime.runJobs(new Date("2026-11-23T10:20:01+05:00"), h1.bot.api, log);
    expect((await t.db.prisma.case.findUniqueOrThrow({ where: { id: older.id } })).sensitive).toBe(row.sensitive);
  });

  it("a case that cannot be sealed (its sealed fields unreadable) is passed over — a whole batch of them too — and the next ones are still sealed", async () => {
    const log = createLogger("silent");
    let now = new Date("2026-11-23T10:00:00+05:00");
    await prepareDataAtRest(t.db.prisma, TEST_DATA_KEY);
    const h = await testBot(t.db, { now: () => now });
    await h.runtime.start(now);
    // Fifty cases first whose sealed fields no key opens, then one an older instance filed as usual.
    const answers = { relation: "self", birthDate: "1985-03-01", careFrom: "2026-11-02", careTo: "2026-11-02", submittedOn: "2026-11-03" };
    await t.db.prisma.case.createMany({
      data: Array.from({ length: 50 }, (_, i) => ({ number: `KZ-2026-${String(i + 1).padStart(6, "0")}`, year: 2026, seq: i + 1, orgName: "Емхана", region: "astana", language: "ru", answers, sensitive: "bm90IHNlYWxlZA==" })),
    });
    const good = await t.db.prisma.case.create({
      data: {
        number: "KZ-2026-000051", year: 2026, seq: 51, orgName: "Емхана", region: "astana", language: "ru",
        answers: { ...answers, birthDate: "1990-07-15" },
        sensitive: seal(TEST_DATA_KEY, JSON.stringify({ iin: "900715300121", phone: "+77010000000", description: "Осложнение." })),
      },
    });
    await h.runtime.runJobs((now = new Date("2026-11-23T10:10:01+05:00")), h.bot.api, log);
    await h.runtime.runJobs((now = new Date("2026-11-23T10:10:03+05:00")), h.bot.api, log);
    expect(openSensitive(TEST_DATA_KEY, (await t.db.prisma.case.findUniqueOrThrow({ where: { id: good.id } })).sensitive).birthDate).toBe("1990-07-15");
    expect(JSON.stringify(await t.db.prisma.$queryRawUnsafe(`SELECT "answers" FROM "Case" WHERE "id" = ${good.id}`))).not.toContain("1990-07-15");
    // The job goes on, due after its pause — not failed for them.
    const jobs = await t.db.prisma.scheduledJob.findMany({ where: { kind: "reseal_birth_dates" } });
    expect(jobs.map((j) => [j.state, j.dueAt.toISOString()])).toEqual([["pending", "2026-11-23T05:20:03.000Z"]]);
  });

  it("a case whose write PostgreSQL itself refuses (a constraint) is passed over and named in the log: the cases before and after it are sealed in the same run, the job goes on after its pause", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(...chunk.toString().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)), done()) });
    const log = createLogger("silent");
    let now = new Date("2026-11-23T10:00:00+05:00");
    await prepareDataAtRest(t.db.prisma, TEST_DATA_KEY);
    const h = await testBot(t.db, { now: () => now, logger: pino({ level: "info" }, sink) });
    await h.runtime.start(now);
    const filed = (seq: number, birthDate: string, name: string) =>
      t.db.prisma.case.create({
        data: {
          number: `KZ-2026-${String(seq).padStart(6, "0")}`, year: 2026, seq, orgName: "Емхана", region: "astana", language: "ru",
          answers: { relation: "self", birthDate, careFrom: "2026-11-02", careTo: "2026-11-02", submittedOn: "2026-11-03" },
          sensitive: seal(TEST_DATA_KEY, JSON.stringify({ iin: "850301300121", phone: "+77010000000", description: "Осложнение.", name })),
        },
      });
    const first = await filed(1, "1985-03-01", "Иванова Анна Сергеевна");
    const refused = await filed(2, "1979-12-24", "Жумабекова Айгерим Серикқызы");
    const last = await filed(3, "1990-07-15", "Петров Пётр Петрович");
    // PostgreSQL refuses any write of the second case that takes its birth date out of the clear.
    await t.db.prisma.$executeRawUnsafe(`ALTER TABLE "Case" ADD CONSTRAINT "refuse_one" CHECK ("id" <> ${refused.id} OR ("answers" ->> 'birthDate') IS NOT NULL)`);
    try {
      const birthDate = async (id: number) => openSensitive(TEST_DATA_KEY, (await t.db.prisma.case.findUniqueOrThrow({ where: { id } })).sensitive).birthDate;
      const plain = async (id: number) => JSON.stringify((await t.db.prisma.case.findUniqueOrThrow({ where: { id } })).answers);
      await h.runtime.runJobs((now = new Date("2026-11-23T10:10:01+05:00")), h.bot.api, log);
      expect(await birthDate(first.id)).toBe("1985-03-01");
      expect(await birthDate(last.id)).toBe("1990-07-15");
      expect(await plain(first.id)).not.toContain("1985-03-01");
      expect(await plain(last.id)).not.toContain("1990-07-15");
      // The refused one is left as it was, and the log names it — by its id, without its data.
      expect(await plain(refused.id)).toContain("1979-12-24");
      const named = lines.filter((l) => l.msg === "a case failed in a job's run; passed over, the run goes on");
      expect(named.map((l) => [l.kind, l.caseId, l.level])).toEqual([["reseal_birth_dates", refused.id, 50]]);
      expect(JSON.stringify(named)).toContain("refuse_one");
      const all = JSON.stringify(lines);
      for (const secret of ["1979-12-24", "1985-03-01", "1990-07-15", "Жумабекова", "850301300121", "+77010000000", "Осложнение"]) expect(all).not.toContain(secret);
      // The job is not failed for it: pending, due after its usual pause, its attempts not counted.
      const jobs = await t.db.prisma.scheduledJob.findMany({ where: { kind: "reseal_birth_dates" } });
      expect(jobs.map((j) => [j.state, j.attempts, j.lastError, j.dueAt.toISOString()])).toEqual([["pending", 0, null, "2026-11-23T05:20:01.000Z"]]);
      // Nothing is tried again before then; at the next run it is tried once more (and named again), no sooner.
      await h.runtime.runJobs((now = new Date("2026-11-23T10:15:00+05:00")), h.bot.api, log);
      expect(lines.filter((l) => l.msg === named[0]!.msg).length).toBe(1);
      await h.runtime.runJobs((now = new Date("2026-11-23T10:20:01+05:00")), h.bot.api, log);
      expect(lines.filter((l) => l.msg === named[0]!.msg).length).toBe(2);
    } finally {
      await t.db.prisma.$executeRawUnsafe(`ALTER TABLE "Case" DROP CONSTRAINT "refuse_one"`);
    }
  });
});

describe("the commission's conclusion summaries at rest", () => {
  it("summaries kept in the clear by earlier versions are sealed with the notice's fields, once; they still read the same", async () => {
    const k = await oldCase(1, "Иванова Анна Сергеевна");
    const conclusion = { confirmed: false, outcome: null, summary: "Повреждение лицевого нерва — известный риск.", on: "2026-11-30", file: null };
    await t.db.prisma.case.update({ where: { id: k.id }, data: { answers: { ...(k.answers as object), conclusion } } });
    expect(conclusionSummary(KEY, await t.db.prisma.case.findUniqueOrThrow({ where: { id: k.id } }))).toBe("Повреждение лицевого нерва — известный риск.");
    expect(await prepareDataAtRest(t.db.prisma, KEY)).toEqual({ namesSealed: 1, summariesSealed: 1, proposalsSealed: 0, birthDatesSealed: 1 });
    expect(JSON.stringify(await t.db.prisma.$queryRawUnsafe(`SELECT * FROM "Case"`))).not.toContain("лицевого нерва");
    const row = await t.db.prisma.case.findUniqueOrThrow({ where: { id: k.id } });
    expect((row.answers as { conclusion: unknown }).conclusion).toEqual({ confirmed: false, outcome: null, on: "2026-11-30", file: null });
    expect(conclusionSummary(KEY, row)).toBe("Повреждение лицевого нерва — известный риск.");
    expect(openSensitive(KEY, row.sensitive)).toMatchObject({ iin: "850301300121", name: "Иванова Анна Сергеевна" });
    expect(await sealConclusionSummaries(t.db.prisma, KEY)).toBe(0);
  });
});

describe("mediation proposals at rest", () => {
  it("terms and counter-offer notes kept in the clear by earlier versions are sealed, once", async () => {
    const k = await oldCase(1, "Иванова Анна Сергеевна");
    await t.db.prisma.proposal.create({ data: { caseId: k.id, round: 1, authorId: 70n, authorRole: "mediator", amountTenge: 1_000_000n, terms: "Лечение последствий инсульта." } });
    await t.db.prisma.proposal.create({
      data: { caseId: k.id, round: 2, authorId: 51n, authorRole: "applicant", amountTenge: 2_000_000n, terms: "Реабилитация дороже.", responses: { create: { userId: 51n, answer: "counter", note: "Реабилитация дороже." } } },
    });
    expect(await prepareDataAtRest(t.db.prisma, KEY)).toEqual({ namesSealed: 1, summariesSealed: 0, proposalsSealed: 2, birthDatesSealed: 1 });
    const raw = JSON.stringify([await t.db.prisma.$queryRawUnsafe(`SELECT * FROM "Proposal"`), await t.db.prisma.$queryRawUnsafe(`SELECT * FROM "ProposalResponse"`)], (_, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    for (const text of ["инсульта", "Реабилитация"]) expect(raw).not.toContain(text);
    const proposals = await t.db.prisma.proposal.findMany({ orderBy: { id: "asc" }, include: { responses: true } });
    expect(proposals.map((p) => open(KEY, p.terms))).toEqual(["Лечение последствий инсульта.", "Реабилитация дороже."]);
    expect(open(KEY, proposals[1]!.responses[0]!.note!)).toBe("Реабилитация дороже.");
    expect(await sealProposalTexts(t.db.prisma, KEY)).toBe(0);
  });
});

describe("a one-time step on a case PostgreSQL refuses to write", () => {
  it("passes over that case, named in the log by its id, seals the others, and lets the start go on; the next start seals it, and nothing twice", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(...chunk.toString().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)), done()) });
    const log = safeLogger(pino({ level: "info" }, sink));
    const conclusion = (summary: string) => ({ confirmed: false, outcome: null, summary, on: "2026-11-30", file: null });
    const withSummary = async (seq: number, name: string, summary: string) => {
      const k = await oldCase(seq, name);
      await t.db.prisma.case.update({ where: { id: k.id }, data: { answers: { ...(k.answers as object), conclusion: conclusion(summary) } } });
      await t.db.prisma.proposal.create({
        data: { caseId: k.id, round: 1, authorId: 70n, authorRole: "mediator", amountTenge: 1_000_000n, terms: `Условия ${seq}.`, responses: { create: { userId: 51n, answer: "counter", note: `Встречное ${seq}.` } } },
      });
      return k;
    };
    const first = await withSummary(1, "Иванова Анна Сергеевна", "Повреждение нерва.");
    const refused = await withSummary(2, "Жумабекова Айгерим Серикқызы", "Инсульт после операции.");
    const last = await withSummary(3, "Петров Пётр Петрович", "Ожог при процедуре.");
    // PostgreSQL refuses every change of the second case and of its proposals (a trigger of the operator's).
    await t.db.prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_case() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refuse_case: this case is frozen'; END $$ LANGUAGE plpgsql`);
    await t.db.prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_case BEFORE UPDATE ON "Case" FOR EACH ROW WHEN (OLD."id" = ${refused.id}) EXECUTE FUNCTION refuse_case()`);
    await t.db.prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_proposal BEFORE UPDATE ON "Proposal" FOR EACH ROW WHEN (OLD."caseId" = ${refused.id}) EXECUTE FUNCTION refuse_case()`);
    const sealedOf = async (id: number) => {
      const row = await t.db.prisma.case.findUniqueOrThrow({ where: { id }, include: { proposals: { include: { responses: true } } } });
      return { answers: JSON.stringify(row.answers), sealed: openSensitive(KEY, row.sensitive), terms: row.proposals.map((p) => [p.terms, p.responses[0]!.note!] as const) };
    };
    try {
      // The start goes on: the others are sealed, each step counting them.
      expect(await prepareDataAtRest(t.db.prisma, KEY, log)).toEqual({ namesSealed: 2, summariesSealed: 2, proposalsSealed: 2, birthDatesSealed: 2 });
      for (const [k, name, summary, seq] of [[first, "Иванова Анна Сергеевна", "Повреждение нерва.", 1], [last, "Петров Пётр Петрович", "Ожог при процедуре.", 3]] as const) {
        const got = await sealedOf(k.id);
        for (const secret of [name, summary, "1985-03-01"]) expect(got.answers).not.toContain(secret);
        expect(got.sealed).toMatchObject({ name, birthDate: "1985-03-01", conclusion: summary });
        expect(got.terms.map(([terms, note]) => [open(KEY, terms), open(KEY, note)])).toEqual([[`Условия ${seq}.`, `Встречное ${seq}.`]]);
      }
      // The refused case is left as it was.
      const left = await sealedOf(refused.id);
      for (const secret of ["Жумабекова Айгерим Серикқызы", "Инсульт после операции.", "1985-03-01"]) expect(left.answers).toContain(secret);
      expect(left.terms).toEqual([["Условия 2.", "Встречное 2."]]);
      // The log names it by its id, once per step, without its data; no step is marked done.
      const named = lines.filter((l) => l.msg === "a case failed in a start-up step; passed over, tried again at the next start");
      expect(named.map((l) => [l.kind, l.caseId, l.level])).toEqual([
        ["seal_patient_names", refused.id, 50],
        ["seal_conclusion_summaries", refused.id, 50],
        ["seal_proposal_texts", refused.id, 50],
        ["seal_birth_dates", refused.id, 50],
      ]);
      expect(JSON.stringify(named)).toContain("refuse_case: this case is frozen");
      const steps = lines.filter((l) => l.msg === "a start-up step passed over cases; it runs again at the next start");
      expect(steps.map((l) => [l.step, l.done, l.passedOver, l.level])).toEqual([
        ["seal_patient_names", 2, 1, 40],
        ["seal_conclusion_summaries", 2, 1, 40],
        ["seal_proposal_texts", 2, 1, 40],
        ["seal_birth_dates", 2, 1, 40],
      ]);
      const all = JSON.stringify(lines);
      for (const secret of ["Жумабекова", "Иванова", "Инсульт", "Условия", "Встречное", "1985-03-01", "850301300121", "+77010000000", "Осложнение"]) expect(all).not.toContain(secret);
      // Each step's marker is there, «pending» with the case passed over: this version runs the step again; an older
      // one, which looks only for the marker, does not — it would seal the proposals sealed here a second time.
      const pending = `pending:${refused.id}`;
      expect((await t.db.prisma.meta.findMany({ orderBy: { key: "asc" } })).map((m) => [m.key, m.key === "dataKeyCanary" ? "" : m.value])).toEqual([
        ["birthDateSealed", pending],
        ["conclusionSummarySealed", pending],
        ["dataKeyCanary", ""],
        ["patientNameSealed", pending],
        ["proposalTextsSealed", pending],
      ]);
    } finally {
      await t.db.prisma.$executeRawUnsafe(`DROP TRIGGER refuse_proposal ON "Proposal"`);
      await t.db.prisma.$executeRawUnsafe(`DROP TRIGGER refuse_case ON "Case"`);
      await t.db.prisma.$executeRawUnsafe(`DROP FUNCTION refuse_case()`);
    }
    // The next start seals the case it passed over, and only it: the others' texts are not sealed a second time.
    expect(await prepareDataAtRest(t.db.prisma, KEY, log)).toEqual({ namesSealed: 1, summariesSealed: 1, proposalsSealed: 1, birthDatesSealed: 1 });
    const now = await sealedOf(refused.id);
    expect(now.sealed).toMatchObject({ name: "Жумабекова Айгерим Серикқызы", birthDate: "1985-03-01", conclusion: "Инсульт после операции." });
    for (const secret of ["Жумабекова", "Инсульт", "1985-03-01"]) expect(now.answers).not.toContain(secret);
    const proposals = await t.db.prisma.proposal.findMany({ orderBy: { id: "asc" }, include: { responses: true } });
    expect(proposals.map((p) => [open(KEY, p.terms), open(KEY, p.responses[0]!.note!)])).toEqual([
      ["Условия 1.", "Встречное 1."],
      ["Условия 2.", "Встречное 2."],
      ["Условия 3.", "Встречное 3."],
    ]);
    expect((await t.db.prisma.meta.findMany({ orderBy: { key: "asc" } })).map((m) => [m.key, m.key === "dataKeyCanary" ? "" : m.value])).toEqual([
      ["birthDateSealed", "1"],
      ["conclusionSummarySealed", "1"],
      ["dataKeyCanary", ""],
      ["patientNameSealed", "1"],
      ["proposalTextsSealed", "1"],
    ]);
    // Then done: a later start does nothing.
    expect(await prepareDataAtRest(t.db.prisma, KEY, log)).toEqual({ namesSealed: 0, summariesSealed: 0, proposalsSealed: 0, birthDatesSealed: 0 });
  });
});

describe("a key rotation after a one-time step passed over a case", () => {
  it("stops before re-sealing anything and says which step and why — not that DATA_KEY is the wrong key", async () => {
    await checkDataKey(t.db.prisma, KEY);
    const k = await oldCase(1, "Иванова Анна Сергеевна");
    await t.db.prisma.proposal.create({ data: { caseId: k.id, round: 1, authorId: 70n, authorRole: "mediator", amountTenge: 1_000_000n, terms: "Условия 1." } });
    // PostgreSQL refuses every change of the case's proposals (a trigger of the operator's): its terms stay in the clear.
    await t.db.prisma.$executeRawUnsafe(`CREATE FUNCTION refuse_proposal() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'refuse_proposal: frozen'; END $$ LANGUAGE plpgsql`);
    await t.db.prisma.$executeRawUnsafe(`CREATE TRIGGER refuse_proposal BEFORE UPDATE ON "Proposal" FOR EACH ROW WHEN (OLD."caseId" = ${k.id}) EXECUTE FUNCTION refuse_proposal()`);
    const quiet = safeLogger(pino({ level: "silent" }));
    try {
      await expect(rotateDataKey(t.db.prisma, KEY, OTHER)).rejects.toThrow(
        "the one-time re-seal (proposalTextsSealed) passed over cases PostgreSQL refused to write, named by id in the log above: make them writable, run the rotation again",
      );
      // Nothing moved to the new key: the database still answers to the old one, no rotation is marked under way.
      await expect(checkDataKey(t.db.prisma, KEY)).resolves.toBeUndefined();
      expect((await t.db.prisma.meta.findMany({ orderBy: { key: "asc" } })).map((m) => [m.key, m.key === "dataKeyCanary" ? "" : m.value])).toEqual([
        ["birthDateSealed", "1"],
        ["conclusionSummarySealed", "0"],
        ["dataKeyCanary", ""],
        ["patientNameSealed", "1"],
        ["proposalTextsSealed", `pending:${k.id}`],
      ]);
    } finally {
      await t.db.prisma.$executeRawUnsafe(`DROP TRIGGER refuse_proposal ON "Proposal"`);
      await t.db.prisma.$executeRawUnsafe(`DROP FUNCTION refuse_proposal()`);
    }
    // Writable again: the rotation seals the proposal with the old key first, then moves everything to the new one.
    await prepareDataAtRest(t.db.prisma, KEY, quiet);
    await expect(rotateDataKey(t.db.prisma, KEY, OTHER)).resolves.toBeDefined();
    expect(open(OTHER, (await t.db.prisma.proposal.findFirstOrThrow()).terms)).toBe("Условия 1.");
  });
});
