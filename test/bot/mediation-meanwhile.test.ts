// What goes on around a mediation: the commission's steps recorded while it runs, a mediator's role revoked
// under it, cases that may have none, condolence in every copy of a proposal in a death case. Found in a review
// of earlier fixes; every test here failed on the code reviewed. Each builds its own database and bot, drives the
// real bot through Telegram updates, and reads what its users were told.
import { describe, expect, it } from "vitest";
import { buttons, texts, type Harness, type TestUser, textsTo as to } from "../helpers/bot.js";
import { runJobsAt, withBot as withWorld, type World } from "../helpers/world.js";
import { createLogger } from "../../bot/logger.js";
import { fileNotice, giveParticulars } from "../helpers/notice.js";
import { joinMediator, joinStaff, mediationAssigned, mediationRunning, MEDIATOR_NAME, openAdmin, proposeMediator, proposeSettlement, recordReceipt } from "../helpers/staff.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const MEDIATOR = 70;
const MEDIATOR2 = 71;
const MEDIATOR2_NAME = "Касымов Ерлан Болатович";
const NUMBER = "KZ-2026-000001";

/** A world of its own for each test, the admin in it. */
const withBot = (start: string, run: (w: World) => Promise<void>) => withWorld([ADMIN], start, run);

const IDS = { admin: ADMIN, staff: STAFF, applicant: APPLICANT, mediator: MEDIATOR };
/** The mediation «proposed» (helpers/staff.ts mediationAssigned), and «running». */
const assigned = (h: Harness, outcome?: string) => mediationAssigned(h, IDS, outcome);
const running = (h: Harness, outcome?: string) => mediationRunning(h, IDS, outcome);

/** The admin revokes the mediator's role through /admin → Roles. */
const revokeMediator = async (h: Harness, confirm?: string) => {
  const admin = h.user(ADMIN, "ru");
  await openAdmin(admin);
  await admin.press("Роли");
  // Asked once more, naming the mediator (and the mediations it ends), then «Отозвать».
  const asked = await admin.press(`Отозвать: ${MEDIATOR_NAME} — медиатор`);
  expect(to(asked, ADMIN)[0]).toMatch(new RegExp(`^Отозвать роль: ${MEDIATOR_NAME} \\(.+\\) — медиатор\\? Медиации станут этому человеку недоступны`));
  if (confirm) expect(to(asked, ADMIN)).toEqual([confirm]);
  expect(buttons(asked)).toEqual(["Отозвать", "Не отзывать"]);
  const done = await admin.press("Отозвать");
  expect(to(done, ADMIN)[0]).toBe("Роль отозвана.");
  return done;
};

/** What the staff member sees of the case, and of its mediation if the case offers one: every button on the way. */
const staffButtons = async (staff: TestUser): Promise<string[]> => {
  await staff.send("/inbox");
  const opened = await staff.press(`Открыть ${NUMBER}`);
  const seen = buttons(opened);
  if (seen.includes("Медиация")) seen.push(...buttons(await staff.press("Медиация")));
  return seen;
};

describe("the commission while a mediation runs", () => {
  // 9cf999b shows the formation deadline in /cases and counts it in staff's «due today» while a mediation runs
  // (deadlines.ts reminds staff of it too): «a mediation stops no deadline». Yet recordFormation (commission/
  // record.ts l.30) and the staff view (staff/staff.ts l.55–59) accept a formation only in status «received»: in
  // «mediation» the button is gone and an old one answers «not now». Staff are told the deadline runs out today
  // and cannot record that they met it; once it passes, the case is reported overdue when the mediation ends.
  it("while a mediation runs, staff told the formation is due today can record the commission's formation", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h, at }) => {
      const { staff, applicant, mediator } = await assigned(h);
      await recordReceipt(staff, "ru");
      await mediator.press("Согласен(на) быть медиатором");
      await applicant.press("Шартпен келісемін");
      await giveParticulars(applicant);
      await staff.press("Согласен(на) с договором");
      expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("mediation");
      at("2026-11-26T10:00:00+05:00");
      expect(texts(await staff.send("/start")).join("\n")).toContain("• срок истекает сегодня: 1");
      const k = await t.db.prisma.case.findFirstOrThrow();
      const formed = to(await staff.pressData(`g:sformok:${k.id}`), STAFF);
      expect(formed[0], "the formation the bot just said is due today cannot be recorded").toMatch(/^Записано: комиссия по делу KZ-2026-000001 сформирована/);
      expect((await t.db.prisma.case.findFirstOrThrow()).formedAt).not.toBeNull();
      // Still in mediation; the staff view offers the commission's next steps, and the conclusion's deadline now shows.
      expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("mediation");
      await staff.send("/inbox");
      expect(buttons(await staff.press("Открыть KZ-2026-000001"))).toEqual(expect.arrayContaining(["Назначить заседание", "Записать заключение"]));
      await applicant.send("/cases");
      expect(texts(await applicant.press("KZ-2026-000001 ісін ашу"))[0]).toContain("Мерзімі: 03.12.2026 күнінің соңына дейін");

      // The conclusion too, in the mediation: everyone told; no complaint offered while the mediation runs.
      await staff.press("Записать заключение");
      await staff.press("Нет, вред не подтверждён");
      await staff.send("Осложнение — известный риск, о котором предупреждали.");
      await staff.press("Без документа");
      await staff.press("Сегодня");
      const concluded = await staff.press("Сохранить");
      expect(to(concluded, APPLICANT)[0]).toMatch(/^KZ-2026-000001 ісі: комиссия зиянның келтірілгенін растамады\./);
      expect(buttons(concluded.filter((c) => c.payload.chat_id === APPLICANT))).toEqual([]);
      const after = await t.db.prisma.case.findFirstOrThrow();
      expect([after.status, after.concludedAt !== null]).toEqual(["mediation", true]);
      // The mediation ends without agreement: the case is back where the commission left it.
      await applicant.press("Медиациядан шығу");
      await applicant.press("Аяқтау");
      expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("concluded");
    });
  });
});

describe("a commission's deadline that passes while a mediation runs", () => {
  it("staff are told the commission's formation deadline passed even while a mediation runs", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h, at }) => {
      const { staff, applicant } = await running(h);
      await recordReceipt(staff, "ru"); // received 23.11.2026 (Monday): formation due by the end of 26.11.2026
      expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("mediation");
      at("2026-11-27T00:00:05+05:00");
      const start = h.fake.calls.length;
      await h.runtime.runJobs(new Date("2026-11-27T00:00:05+05:00"), h.bot.api, createLogger("silent"));
      const told = h.fake.calls.slice(start);
      expect(to(told, STAFF)).toEqual([
        "Дело KZ-2026-000001 (Городская больница №7, г. Шымкент): срок формирования комиссии истёк 26.11.2026, а записи о том, что комиссия сформирована, в боте нет.",
      ]);
      // The applicant hears it too — that the mediation goes on, not (yet) the way to take the case further.
      expect(to(told, APPLICANT)).toEqual([
        "KZ-2026-000001 ісі: тәуелсіз сараптама комиссиясын құру мерзімі 26.11.2026 күні өтті, ал комиссияның құрылғаны туралы ботта жазба жоқ.\n\nІс бойынша медиация жалғасып жатыр.",
      ]);
      expect(buttons(told.filter((c) => c.payload.chat_id === APPLICANT))).toEqual([]);
      expect((await t.db.prisma.caseEvent.findMany({ where: { kind: "formation_overdue" } })).length, "the case's log records it").toBe(1);
      // /cases agrees with what everyone was told; its timeline shows the missed deadline.
      expect(texts(await applicant.send("/cases"))[0]).toContain("Мерзім 26.11.2026 күні өтті.");
      // Told once: later job runs say nothing more of it.
      const later = h.fake.calls.length;
      await h.runtime.runJobs(new Date("2026-11-27T02:00:00+05:00"), h.bot.api, createLogger("silent"));
      expect(to(h.fake.calls.slice(later), STAFF)).toEqual([]);
    });
  });
});

describe("the notice's receipt while a mediation runs", () => {
  it("staff record the receipt of a notice whose mediation began before it: recorded, with its deadline — not «already recorded: »", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h, at }) => {
      const { staff } = await running(h);
      expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("mediation");
      at("2026-11-24T10:00:00+05:00");
      await staff.send("/inbox");
      await staff.press(`Открыть ${NUMBER}`);
      await staff.press("Отметить получение обращения");
      await staff.send("01-12/345");
      const recorded = to(await staff.press("Сегодня"), STAFF);
      expect(recorded[0], "staff's answer").toMatch(/^Записано: обращение KZ-2026-000001 получено организацией 24\.11\.2026 \(рег\. № 01-12\/345\)\./);
      const k = await t.db.prisma.case.findFirstOrThrow();
      expect([k.status, k.receivedAt !== null], "the case stays in its mediation, received underneath").toEqual(["mediation", true]);
    });
  });
});

describe("a mediator whose role is revoked, and the mediations they leave", () => {
  // 468157e took the revoked mediator out of members() and out of mediatorAnswer: they can no longer decline.
  // Nothing else can end a «proposed» mediation (viewButtons offers the sides nothing in that state, no job
  // expires it), and pickMediator/assignMediator refuse any new mediator while it is «active» — the case can
  // never have a mediation again. Before the fix the mediator could at least still decline it.
  it("a mediation proposed to a mediator whose role is then revoked does not block the case's mediation for good", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff } = await assigned(h);
      expect((await t.db.prisma.mediation.findFirstOrThrow()).state).toBe("proposed");
      // The mediation ends with the role, and the staff who proposed it are told why.
      // The admin is told first that the role's revocation ends it.
      expect(to(await revokeMediator(
          h,
          `Отозвать роль: ${MEDIATOR_NAME} (Реестр медиаторов № 123, Палата медиаторов) — медиатор? Медиации станут этому человеку недоступны; он получит об этом сообщение. Его медиации, ещё не дошедшие до подписания соглашения (1), будут завершены без соглашения; их стороны получат сообщение.`,
        ), STAFF)).toContain("Дело KZ-2026-000001: медиация не началась — медиатор больше не ведёт медиации в «Келісім».");
      await joinMediator(h, ADMIN, MEDIATOR2, MEDIATOR2_NAME);
      // Whatever the staff member can press on the case and its mediation to end it, they press.
      const seen = await staffButtons(staff);
      for (const b of seen.filter((x) => /Завершить|Выйти|Отменить|Не согласен/.test(x))) await staff.press(b);
      const k = await t.db.prisma.case.findFirstOrThrow();
      const picked = texts(await staff.pressData(`g:mdpick:${k.id}`));
      expect(picked, "no other mediator can ever be proposed: the revoked one's «proposed» mediation cannot be ended").toEqual([`Дело ${NUMBER}: кого предложить в качестве медиатора?`]);
    });
  });

  // In «agreeing», the sides still agree to a contract naming the revoked mediator, and the mediation «starts»:
  // members() has no mediator, so nobody can make a proposal (only the mediator may), and it runs its whole term.
  it("a mediation whose mediator's role was revoked before the sides agreed does not start without a mediator", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      const { staff, applicant, mediator } = await assigned(h);
      await mediator.press("Согласен(на) быть медиатором");
      await revokeMediator(h);
      await applicant.press("Шартпен келісемін");
      await giveParticulars(applicant);
      const agreed = await staff.press("Согласен(на) с договором");
      expect(to(agreed, STAFF).join("\n"), "the sides are told a mediation began that has no mediator").not.toMatch(/Переговоры в боте открыты/);
      expect((await t.db.prisma.mediation.findFirstOrThrow()).state).not.toBe("running");
    });
  });
});

describe("cases that may have no mediation", () => {
  // The list and the button agree. A drafted complaint («escalated») ends nothing — the bot sent it nowhere, and
  // mediation may come even after a court case starts (law.md §4): such a case is offered, and its button works.
  it("the admin's «propose a mediator» list offers a case whose applicant drafted a complaint, and its button works", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ t, h }) => {
      await joinStaff(h, ADMIN, STAFF, "ru");
      await fileNotice(h.user(APPLICANT, "kk"), "kk");
      await joinMediator(h, ADMIN, MEDIATOR);
      // The applicant drafted a complaint (escalation.ts draftEscalation sets this status).
      await t.db.prisma.case.updateMany({ data: { status: "escalated" } });
      const admin = h.user(ADMIN, "ru");
      await openAdmin(admin);
      const list = await admin.press("Предложить медиатора");
      const offered = buttons(list).filter((b) => b.startsWith(NUMBER));
      expect(offered, "the case offered").toHaveLength(1);
      expect(texts(await admin.press(offered[0]!)), "the list's own button").not.toEqual([`По делу ${NUMBER} это сейчас сделать нельзя.`]);
    });
  });
});

describe("condolence in a death case, in every copy of a proposal", () => {
  // law.md l.111: «Nothing about the patient's death without a word of condolence first»; language.md l.57–58.
  // 9cf999b put condolence before the sides' copy only. The mediator's own copy (proposalSent) and a side's
  // counter-offer to the mediator (counterToMediator) carry «пациент скончался» beside an amount with none.
  /** A running mediation in a death case and the mediator's proposal of 1 000 000 ₸: what the mediator was told. */
  const proposedInDeathCase = async (h: Harness) => {
    const p = await running(h, "Пациент қайтыс болды");
    return { ...p, own: to(await proposeSettlement(p.mediator, "1 000 000"), MEDIATOR) };
  };

  it("the mediator's own copy of their proposal in a death case comes after condolence", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { own } = await proposedInDeathCase(h);
      const sent = own.findIndex((x) => x.includes("пациент скончался"));
      expect(sent).toBeGreaterThanOrEqual(0);
      expect(own.slice(0, sent), "the mediator's copy names the death beside the amount without condolence").toContain("Примите наши соболезнования.");
    });
  });

  it("a side's counter-offer in a death case reaches the mediator without repeating the condolence of the proposal", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { applicant } = await proposedInDeathCase(h);
      await applicant.press("Қарсы ұсыныс");
      await applicant.send("2 000 000");
      await applicant.send("Емдеу шығындары осыдан көп болды.");
      const countered = to(await applicant.press("Жіберу"), MEDIATOR);
      const counter = countered.findIndex((x) => x.includes("пациент скончался"));
      expect(counter).toBeGreaterThanOrEqual(0);
      // Condolence came once, with the mediator's proposal (proposedInDeathCase): not again before each message.
      expect(countered, "condolence said again").not.toContain("Примите наши соболезнования.");
    });
  });
});

describe("a complaint drafted while a mediation waits for the sides' consent", () => {
  // escalation.ts lets the applicant draft a complaint while a mediation is proposed or waits for the contract
  // (the case is not «mediation» yet): the case becomes «escalated». The mediation's start put «mediation» over it,
  // and its end (mediation.ts end) put back the commission's step (statusBefore), which knows nothing of a complaint:
  // /cases and the case's view said «организация получила обращение», as if no complaint were drafted.
  it("after the mediation ends without agreement, /cases and the case's view still say a complaint was drafted, and the case stays «escalated»", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { t, h } = w;
      const staff = await joinStaff(h, ADMIN, STAFF, "ru");
      const applicant = h.user(APPLICANT, "kk");
      await fileNotice(applicant, "kk");
      await recordReceipt(staff, "ru");
      await runJobsAt(w, "2026-11-27T00:00:01+05:00"); // the formation's deadline (26.11) passed
      const mediator = await joinMediator(h, ADMIN, MEDIATOR);
      await proposeMediator(staff);
      await mediator.press("Согласен(на) быть медиатором");
      await applicant.press("Шартпен келісемін");
      await giveParticulars(applicant);
      // The mediation waits for staff's consent: the applicant drafts a complaint meanwhile.
      const k = await t.db.prisma.case.findFirstOrThrow();
      await applicant.pressData(`g:esc:${k.id}`);
      await applicant.press("Денсаулық сақтау басқармасы");
      await applicant.press("Иә, пайдалану");
      expect((await t.db.prisma.case.findFirstOrThrow()).status).toBe("escalated");
      await staff.press("Согласен(на) с договором");
      expect((await t.db.prisma.mediation.findFirstOrThrow()).state).toBe("running");
      await applicant.press("Медиациядан шығу");
      await applicant.press("Аяқтау");
      // The commission's step underneath is still told (a draft ends nothing), under the complaint's status.
      expect(texts(await applicant.send("/cases"))[0]!.split("\n"), "/cases").toEqual([
        "Сіздің істеріңіз:",
        "",
        "KZ-2026-000001 — Городская больница №7, Шымкент қаласы",
        "Күйі: шағымның жобасы дайындалды",
        "Келесі қадам: медициналық ұйым тәуелсіз сараптама комиссиясын құрады.",
        "Мерзім 26.11.2026 күні өтті.",
      ]);
      const view = await applicant.press(`${NUMBER} ісін ашу`);
      expect(texts(view)[0]!.split("\n").slice(0, 5), "the case's view").toEqual([
        "KZ-2026-000001 ісі — Городская больница №7, Шымкент қаласы",
        "Күйі: шағымның жобасы дайындалды",
        "Ұйым алған күні: 23.11.2026 (тіркеу № 01-12/345).",
        "Келесі қадам: медициналық ұйым тәуелсіз сараптама комиссиясын құрады.",
        "Мерзім 26.11.2026 күні өтті.",
      ]);
      expect(texts(view)[0], "the case's history").toContain("27.11.2026 — шағымның жобасы дайындалды");
      expect(buttons(view), "the draft can be made again").toContain("Шағым дайындау");
      expect((await t.db.prisma.case.findFirstOrThrow()).status, "what is stored").toBe("escalated");
    });
  });
});
