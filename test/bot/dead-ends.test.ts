// No screen is a dead end (issue 12): from each role's home, every view reachable by navigation buttons
// is opened; a view that shows something awaiting this person must carry the button to act on it. And no
// message anyone gets names a person by their Telegram id.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registry } from "../../bot/features/index.js";
import type { Call } from "../../bot/local/fake-api.js";
import { testBot, type Harness, type TestUser } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { fileNotice, giveParticulars } from "../helpers/notice.js";
import { joinMediator, joinStaff, mediationAssigned, mediationRunning, MEDIATOR_NAME, openAdmin, proposeSettlement, recordReceipt } from "../helpers/staff.js";
import { withBot } from "../helpers/world.js";

const ADMIN = 770001;
const STAFF = 770002;
const MEDIATOR = 770003;
const WAITING = 770004; // an applicant whose notice the organisation has not yet received
const APPLICANT = 770005; // an applicant with a formed commission, a sitting and a proposed mediation
const RELATIVE = 770006;
const UNLINKED = 770007; // an applicant whose organisation nobody registered
const IDS = [ADMIN, STAFF, MEDIATOR, WAITING, APPLICANT, RELATIVE, UNLINKED];

let t: TestDb;
let h: Harness;
const now = new Date("2026-11-23T10:00:00+05:00");

/** Buttons that only move between views (they change nothing): the walker presses these and only these. */
const NAVIGATION = new Set(["core/menu", "cases/open", "staff/openCase", "mediation/view", "admin/roles", "admin/organizations", "admin/unlinkedCases", "mediation/casesForAdmin"]);

interface View {
  who: string;
  text: string;
  actions: string[];
}

/**
 * What awaits whom, and the actions that answer it: when a view's text shows the first, one of its buttons
 * must be one of the second.
 */
const AWAITING: { who: string; shows: RegExp; needs: string[] }[] = [
  // The mediator has not yet accepted or declined.
  // (A list may lead to the item: the item, opened by the walker, must then carry the action itself.)
  { who: "mediator", shows: /ждёт согласия медиатора/, needs: ["mediation/mediatorAccepts", "mediation/view"] },
  { who: "mediator", shows: /^Медиация по делу[\s\S]*ждёт согласия медиатора/, needs: ["mediation/mediatorAccepts"] },
  // A sitting not yet answered, for the applicant and the relative.
  { who: "applicant", shows: /жауап жоқ|нет ответа/, needs: ["sittings/answer"] },
  { who: "relative", shows: /жауап жоқ|нет ответа/, needs: ["sittings/answer"] },
  // A notice the organisation has not received: the applicant can hand it in.
  { who: "waiting", shows: /Статус: (сохранено|передано в организацию через бот)/, needs: ["receipt/handIn", "cases/open"] },
  // Staff: a notice whose receipt is not recorded.
  { who: "staff", shows: /^Обращение о возможном[\s\S]*Номер дела: KZ-2026-000001/, needs: ["receipt/record"] },
  { who: "staff", shows: /ждут отметки о получении: [1-9]/, needs: ["staff/openCase"] },
  // Admins: cases that reached no organisation.
  { who: "admin", shows: /^Дела без организации|Дел без организации: [1-9]/, needs: ["admin/linkCase", "admin/unlinkedCases"] },
];

const sent = (calls: Call[], chatId: number) => calls.filter((c) => c.method === "sendMessage" && c.payload.chat_id === chatId);
const actionsOf = (c: Call): { name: string; data: string }[] =>
  ((c.payload.reply_markup as { inline_keyboard?: { callback_data: string }[][] } | undefined)?.inline_keyboard ?? []).flat().map((b) => ({
    name: registry.decodeAction(b.callback_data)?.def.name ?? "answer",
    data: b.callback_data,
  }));

/** Opens each home and every view reachable from it by navigation, breadth first; returns every view seen. */
const walk = async (who: string, u: TestUser, chatId: number, starts: string[]): Promise<View[]> => {
  const views: View[] = [];
  const pressed = new Set<string>();
  const queue: { calls: Call[] }[] = [];
  for (const command of starts) queue.push({ calls: await u.send(command) });
  let presses = 0;
  while (queue.length && presses < 80) {
    const { calls } = queue.shift()!;
    for (const c of sent(calls, chatId)) {
      const actions = actionsOf(c);
      views.push({ who, text: String(c.payload.text), actions: actions.map((a) => a.name) });
      for (const a of actions) {
        if (!NAVIGATION.has(a.name) || pressed.has(a.data)) continue;
        pressed.add(a.data);
        presses++;
        queue.push({ calls: await u.pressData(a.data, c.messageId ?? 1) });
      }
    }
  }
  return views;
};

beforeAll(async () => {
  t = await testDatabase();
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
  // Staff of a registered organisation, and a mediator; the admin has passed their door.
  const staff = await joinStaff(h, ADMIN, STAFF, "ru");
  await joinMediator(h, ADMIN, MEDIATOR);
  // KZ-2026-000001: delivered, not received.
  await fileNotice(h.user(WAITING, "ru"), "ru");
  // KZ-2026-000002: received, commission formed, a sitting, a relative, a mediator proposed.
  const applicant = h.user(APPLICANT, "kk");
  await fileNotice(applicant, "kk");
  await recordReceipt(staff, "ru", "KZ-2026-000002");
  await staff.send("/inbox");
  await staff.press("Открыть KZ-2026-000002");
  await staff.press("Комиссия сформирована");
  await staff.press("Подтверждаю");
  await applicant.send("/cases");
  await applicant.press("KZ-2026-000002 ісін ашу");
  const invite = await applicant.press("Туысты шақыру");
  const link = /start=(c_\S+)/.exec(String(sent(invite, APPLICANT)[0]!.payload.text))![1]!;
  const relative = h.user(RELATIVE, "ru");
  await relative.send(`/start ${link}`);
  await relative.press("Супруг(а)");
  await relative.press("Согласен(на)");
  await relative.send("Сейтова Асель Нурлановна");
  await staff.send("/inbox");
  await staff.press("Открыть KZ-2026-000002");
  await staff.press("Назначить заседание");
  await staff.press("Завтра");
  await staff.send("15:00");
  await staff.press("Онлайн");
  await staff.send("https://meet.example.kz/kz-2");
  await staff.press("Без примечания");
  await staff.press("Сохранить");
  await staff.send("/inbox");
  await staff.press("Открыть KZ-2026-000002");
  await staff.press("Предложить медиацию");
  await staff.press(MEDIATOR_NAME);
  // KZ-2026-000003: an organisation nobody registered.
  await fileNotice(h.user(UNLINKED, "ru"), "ru", { org: "Поликлиника №99" });
  await openAdmin(h.user(ADMIN, "ru"));
});
afterAll(async () => t.dispose());

describe("no dead ends", () => {
  it("every view reachable from each role's home that shows something awaiting the viewer offers the button to act on it", async () => {
    const roles: [string, number, string, string[]][] = [
      ["staff", STAFF, "ru", ["/menu", "/inbox", "/cases"]],
      ["mediator", MEDIATOR, "ru", ["/menu", "/inbox"]],
      ["admin", ADMIN, "ru", ["/menu", "/admin"]],
      ["applicant", APPLICANT, "kk", ["/menu", "/cases"]],
      ["relative", RELATIVE, "ru", ["/menu", "/cases"]],
      ["waiting", WAITING, "ru", ["/menu", "/cases"]],
    ];
    const views: View[] = [];
    for (const [who, id, lang, starts] of roles) views.push(...(await walk(who, h.user(id, lang), id, starts)));

    // The walk saw what awaits each of them (else this test could not fail).
    for (const rule of AWAITING) expect(views.some((v) => v.who === rule.who && rule.shows.test(v.text)), `${rule.who} ${rule.shows.source}`).toBe(true);
    const deadEnds = views
      .filter((v) => AWAITING.some((r) => r.who === v.who && r.shows.test(v.text) && !r.needs.some((n) => v.actions.includes(n))))
      .map((v) => `${v.who}: ${v.text.slice(0, 120)}`);
    expect(deadEnds).toEqual([]);
  });

  it("no message anyone got names a person by their Telegram id", () => {
    const str = (x: unknown) => (typeof x === "string" ? x : "");
    const said = h.fake.calls.flatMap((c) => [str(c.payload.text), str(c.payload.caption), JSON.stringify(c.payload.reply_markup ?? {}).replace(/"callback_data":"[^"]*"/g, "")]);
    expect(said.length).toBeGreaterThan(100);
    const named = said.filter((s) => IDS.some((id) => s.includes(String(id))));
    expect(named).toEqual([]);
  });
});

/**
 * Buttons that open no flow: what the presser is left with. Each ends on their home (their role's, in their language),
 * or on a message whose buttons are the way on — never on a message with nothing to press.
 */
describe("after a button that opens no flow", () => {
  const IDS = { admin: 771001, staff: 771002, applicant: 771003, mediator: 771004 };
  const START = "2026-11-23T10:00:00+05:00";
  const STAFF_HOME_RU = /^«Городская больница №7»: обращения\n/;
  const STAFF_HOME_KK = /^«Городская больница №7»: өтініштер\n/;
  const MEDIATOR_HOME = /^Медиации\n/;
  /** The texts the presser got, and whether the last of them has buttons. */
  const end = (calls: Call[], chatId: number) => {
    const mine = sent(calls, chatId);
    return { texts: mine.map((c) => String(c.payload.text)), buttons: actionsOf(mine.at(-1)!).length > 0 };
  };

  it("the mediator's «agree» and «decline» to a proposal: their home follows", async () => {
    await withBot([IDS.admin], START, async ({ h }) => {
      const { mediator } = await mediationAssigned(h, IDS);
      const accepted = end(await mediator.press("Согласен(на) быть медиатором"), IDS.mediator);
      expect(accepted.texts).toEqual(["Вы согласились быть медиатором по делу KZ-2026-000001. Теперь обе стороны получат договор о медиации; медиация начинается со дня его подписания.", expect.stringMatching(MEDIATOR_HOME)]);
      expect(accepted.buttons).toBe(true);
    });
    await withBot([IDS.admin], START, async ({ h }) => {
      const { mediator } = await mediationAssigned(h, IDS);
      const declined = end(await mediator.press("Отказаться"), IDS.mediator);
      expect(declined.texts).toEqual(["Вы отказались быть медиатором по делу KZ-2026-000001.", expect.stringMatching(MEDIATOR_HOME)]);
      expect(declined.buttons).toBe(true);
    });
  });

  it("staff agreeing to the contract (kk) and, once it runs, withdrawing from it: their home follows each; the applicant's way on stays last for them", async () => {
    await withBot([IDS.admin], START, async ({ h }) => {
      const { staff, applicant, mediator } = await mediationAssigned(h, IDS);
      await mediator.press("Согласен(на) быть медиатором");
      await staff.send("/language");
      await staff.press("Қазақша");
      // The contract's buttons came in Russian; the answer comes in the language chosen since.
      const agreed = end(await staff.press("Согласен(на) с договором"), IDS.staff);
      expect(agreed.texts).toEqual(["Шартпен келіскеніңіз тіркелді. Екінші тарап та келіскен соң, KZ-2026-000001 ісі бойынша шартқа қол қою қалады: медиация оған қол қойылған күннен басталады.", expect.stringMatching(STAFF_HOME_KK)]);
      expect(agreed.buttons).toBe(true);
      await applicant.press("Шартпен келісемін");
      await giveParticulars(applicant);
      await staff.press("Медиациядан шығу");
      const calls = await staff.press("Аяқтау");
      const ended = end(calls, IDS.staff);
      expect(ended.texts).toEqual([expect.stringMatching(/^KZ-2026-000001 ісі: медиация келісімсіз аяқталды/), expect.stringMatching(STAFF_HOME_KK)]);
      expect(ended.buttons).toBe(true);
      // The applicant, who pressed nothing, is shown the way on, its button last.
      const told = sent(calls, IDS.applicant).at(-1)!;
      expect(String(told.payload.text)).toMatch(/^KZ-2026-000001 ісі бойынша әрі қарай:/);
      expect(actionsOf(told).map((a) => a.name)).toEqual(["escalation/choose"]);
    });
  });

  it("staff refusing the contract (ru): their home follows; the applicant's way on stays last for them", async () => {
    await withBot([IDS.admin], START, async ({ h }) => {
      const { staff, mediator } = await mediationAssigned(h, IDS);
      await mediator.press("Согласен(на) быть медиатором");
      const calls = await staff.press("Не согласен(на)");
      const refused = end(calls, IDS.staff);
      expect(refused.texts).toEqual(["Дело KZ-2026-000001: сторона «Представитель организации» не согласилась на медиацию. Медиация не начнётся.", expect.stringMatching(STAFF_HOME_RU)]);
      expect(refused.buttons).toBe(true);
      expect(actionsOf(sent(calls, IDS.applicant).at(-1)!).map((a) => a.name)).toEqual(["escalation/choose"]);
    });
  });

  it("a side's answer to a settlement proposal, and its confirmation of the agreed text: their home follows, until a button of theirs is the way on", async () => {
    await withBot([IDS.admin], START, async ({ h }) => {
      const { staff, applicant, mediator } = await mediationRunning(h, IDS);
      await proposeSettlement(mediator, "900000");
      const rejected = end(await applicant.press("Бас тарту"), IDS.applicant);
      expect(rejected.texts).toEqual(["Сіз KZ-2026-000001 ісі бойынша 1-ұсыныстан бас тарттыңыз. Медиатор басқасын ұсына алады.", expect.stringMatching(/^Не істейміз\?/)]);
      expect(rejected.buttons).toBe(true);
      await proposeSettlement(mediator, "950000");
      const accepted = end(await staff.press("Принять"), IDS.staff);
      expect(accepted.texts).toEqual(["Вы приняли предложение 2 по делу KZ-2026-000001.", expect.stringMatching(STAFF_HOME_RU)]);
      expect(accepted.buttons).toBe(true);
      // Both accepted: the applicant's last message is the agreement's, with its confirm button — no menu after it.
      const agreed = sent(await applicant.press("Қабылдау"), IDS.applicant).at(-1)!;
      expect(actionsOf(agreed).map((a) => a.name)).toEqual(["mediation/confirmAgreement"]);
      const confirmed = end(await applicant.press("Оқыдым және келісемін"), IDS.applicant);
      expect(confirmed.texts).toEqual([expect.stringMatching(/^Растауыңыз тіркелді\./), expect.stringMatching(/^Не істейміз\?/)]);
      // Staff confirming last have «attach the signed agreement» on the last message.
      expect(actionsOf(sent(await staff.press("Я прочитал(а) и согласен(на)"), IDS.staff).at(-1)!).map((a) => a.name)).toEqual(["mediation/recordSigned"]);
    });
  });

  it("the mediator ending it: their home follows; the applicant (kk) withdrawing: their way on is the last thing, no menu pushes it up", async () => {
    await withBot([IDS.admin], START, async ({ h }) => {
      const { mediator } = await mediationRunning(h, IDS);
      await mediator.press("Завершить медиацию");
      const ended = end(await mediator.press("Завершить"), IDS.mediator);
      expect(ended.texts).toEqual([expect.stringMatching(/^Дело KZ-2026-000001: медиация завершена без соглашения/), expect.stringMatching(MEDIATOR_HOME)]);
      expect(ended.buttons).toBe(true);
    });
    await withBot([IDS.admin], START, async ({ h }) => {
      const { applicant } = await mediationRunning(h, IDS);
      await applicant.press("Медиациядан шығу");
      const mine = sent(await applicant.press("Аяқтау"), IDS.applicant);
      expect(String(mine.at(-1)!.payload.text)).toMatch(/^KZ-2026-000001 ісі бойынша әрі қарай:/);
      expect(actionsOf(mine.at(-1)!).map((a) => a.name)).toEqual(["escalation/choose"]);
    });
  });
});
