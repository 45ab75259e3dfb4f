// Relatives' links and removal (journey J4: «the applicant invites or removes relatives (single-use links that
// expire)»). Each test failed on the code before its fix.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buttons, testBot, texts, textsTo as to, type Harness, type TestUser } from "../helpers/bot.js";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { commissionFormed, joinStaff, recordNotConfirmed, scheduleSitting } from "../helpers/staff.js";
import type { Call } from "../../bot/local/fake-api.js";
import { fileNotice, removeRelative } from "../helpers/notice.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const RELATIVE = 60;
const STRANGER = 61;
const NOT_FOUND_KK = "Мұндай іс табылмады немесе сіз оған қатыспайсыз.";
const NOT_FOUND_RU = "Такое дело не найдено, или вы в нём не участвуете.";
/** The menu that follows an answer about a link which leaves nothing to press. */
const MENU_KK: unknown = expect.stringMatching(/^Не істейміз\?/);
const MENU_RU: unknown = expect.stringMatching(/^Что сделаем\?/);
const INVALID_RU = "Это приглашение недействительно: им уже воспользовались, срок истёк или его отозвали. Попросите новое.";
let t: TestDb;
let h: Harness;
let now: Date;
const at = (iso: string) => (now = new Date(iso));
beforeAll(async () => {
  t = await testDatabase();
});
afterAll(async () => t.dispose());
beforeEach(async () => {
  await t.reset();
  at("2026-11-23T10:00:00+05:00");
  h = await testBot(t.db, { adminIds: [ADMIN], now: () => now });
});

const ics = (c: Call) => c.file!.bytes.toString("utf8").replace(/\r\n[ \t]/g, "");
const filesTo = (calls: Call[], chatId: number) => calls.filter((c) => c.method === "sendDocument" && c.payload.chat_id === chatId);

/** Staff (ru), an applicant (kk), the commission formed on KZ-2026-000001 (helpers/staff.ts). */
const formed = () => commissionFormed(h, ADMIN, STAFF, APPLICANT);

/** The case as its applicant (kk) sees it in /cases. */
const view = async (applicant: TestUser) => {
  await applicant.send("/cases");
  return applicant.press("KZ-2026-000001 ісін ашу");
};

/** The applicant's fresh relative link (the /start payload). */
const relativeLink = async (applicant: TestUser) => {
  await view(applicant);
  const invite = await applicant.press("Туысты шақыру");
  return /start=(c_[A-Za-z0-9_-]{32})/.exec(texts(invite)[0]!)![1]!;
};

/** Someone (ru) opens a relative's link and goes through to the end; returns what the last step got. */
const join = async (id: number, link: string) => {
  const u = h.user(id, "ru");
  await u.send(`/start ${link}`);
  await u.press("Супруг(а)");
  await u.press("Согласен(на)");
  return u.send("Сейтова Асель Нурлановна");
};

describe("after the link is made", () => {
  it("the link comes alone, to forward; the message after it offers to revoke it and to go back to the case — in either language", async () => {
    const { applicant } = await formed();
    await view(applicant);
    const invite = await applicant.press("Туысты шақыру");
    const [link, note] = to(invite, APPLICANT);
    expect(link).toMatch(/^KZ-2026-000001 ісі бойынша туысқа арналған сілтеме\./);
    expect(link).toMatch(/ЖСН, телефон мен сипаттаманы көрмейді\.$/);
    expect(note).toBe("Сілтеме сіз шақырмаған адамға жетіп қалса, оны қайтарып алыңыз — содан кейін ол бойынша ешкім қосыла алмайды.");
    // The link's own message has no buttons (they would travel with it when forwarded).
    const sent = invite.filter((c) => c.method === "sendMessage" && c.payload.chat_id === APPLICANT);
    expect(sent[0]!.payload.reply_markup).toBeUndefined();
    expect(buttons(invite)).toEqual(["Сілтемені қайтарып алу", "KZ-2026-000001 ісін ашу"]);
    // Revoke: asked first; kept: the way back to the case.
    expect(to(await applicant.press("Сілтемені қайтарып алу"), APPLICANT)[0]).toMatch(/^KZ-2026-000001 ісі бойынша сілтемені \(жасалды: 23\.11\.2026, 10:00; 30\.11\.2026 күніне дейін жарамды\) қайтарып аласыз ба\?/);
    const kept = await applicant.press("Қайтарып алмау");
    expect(to(kept, APPLICANT)).toEqual(["Жарайды, сілтеме жарамды болып қалады."]);
    expect(buttons(kept)).toEqual(["KZ-2026-000001 ісін ашу"]);
    expect(to(await applicant.press("KZ-2026-000001 ісін ашу"), APPLICANT)[0]).toMatch(/^KZ-2026-000001 ісі — /);
    // In Russian.
    await applicant.send("/language");
    await applicant.press("Русский");
    await applicant.send("/cases");
    await applicant.press("Открыть KZ-2026-000001");
    const ru = await applicant.press("Пригласить родственника");
    expect(to(ru, APPLICANT)[1]).toBe("Если ссылка попала не к тому человеку, отзовите её — после этого по ней никто не сможет присоединиться.");
    expect(buttons(ru)).toEqual(["Отозвать ссылку", "Открыть KZ-2026-000001"]);
  });
});

describe("a relative's link not yet used can be revoked", () => {
  it("the case's view lists it, the applicant revokes it after a confirmation, and whoever opens it then learns nothing of the case", async () => {
    const { applicant } = await formed();
    const link = await relativeLink(applicant);
    const shown = await view(applicant);
    expect(texts(shown)[0]).toContain("Туыстар:\nСілтеме (жасалды: 23.11.2026, 10:00) — ол бойынша әлі ешкім қосылмаған, 30.11.2026 күніне дейін жарамды");
    expect(buttons(shown)).toContain("Сілтемені қайтарып алу (жасалды: 23.11.2026, 10:00)");

    const asked = await applicant.press("Сілтемені қайтарып алу (жасалды: 23.11.2026, 10:00)");
    expect(to(asked, APPLICANT)).toEqual([
      "KZ-2026-000001 ісі бойынша сілтемені (жасалды: 23.11.2026, 10:00; 30.11.2026 күніне дейін жарамды) қайтарып аласыз ба? Қайтарып алынған сілтеме бойынша ешкім қосыла алмайды. Туысыңызға жаңа сілтеме жіберуге болады.",
    ]);
    expect(buttons(asked)).toEqual(["Сілтемені қайтарып алу", "Қайтарып алмау"]);
    // «Keep it» keeps it.
    const kept = await applicant.press("Қайтарып алмау");
    expect(to(kept, APPLICANT)).toEqual(["Жарайды, сілтеме жарамды болып қалады."]);
    expect(buttons(kept)).toEqual(["KZ-2026-000001 ісін ашу"]); // the way back to the case
    expect((await t.db.prisma.invite.findFirstOrThrow({ where: { role: "relative" } })).revokedAt).toBeNull();

    await applicant.press("Сілтемені қайтарып алу (жасалды: 23.11.2026, 10:00)");
    const revoked = await applicant.press("Сілтемені қайтарып алу");
    expect(to(revoked, APPLICANT)).toEqual(["KZ-2026-000001 ісі бойынша сілтеме (жасалды: 23.11.2026, 10:00) қайтарып алынды: ол бойынша ешкім қосыла алмайды."]);
    expect(buttons(revoked)).toEqual(["KZ-2026-000001 ісін ашу"]);

    // Whoever has the link gets the answer a used or expired link gets: no case number, no question.
    const stranger = h.user(STRANGER, "ru");
    const opened = await stranger.send(`/start ${link}`);
    // Someone new: said in both languages, before any question.
    expect(texts(opened)[0]).toContain(INVALID_RU);
    expect(texts(opened).join("\n")).not.toContain("KZ-2026-000001");
    expect(buttons(opened)).not.toContain("Супруг(а)");
    expect(await t.db.prisma.caseParticipant.count({ where: { userId: BigInt(STRANGER) } })).toBe(0);

    // The view no longer lists it; the old confirmation pressed again is harmless.
    const after = await view(applicant);
    expect(texts(after)[0]).not.toContain("Сілтеме (жасалды");
    expect(buttons(after)).not.toContain("Сілтемені қайтарып алу (жасалды: 23.11.2026, 10:00)");
    const again = await applicant.press("Сілтемені қайтарып алу");
    expect(to(again, APPLICANT)).toEqual(["KZ-2026-000001 ісі бойынша бұл сілтеме (жасалды: 23.11.2026, 10:00) бұрын қайтарып алынған: ол бойынша ешкім қосыла алмайды.", MENU_KK]);
  });

  it("a flow begun with the link before it was revoked does not join at its end", async () => {
    const { applicant } = await formed();
    const link = await relativeLink(applicant);
    const stranger = h.user(STRANGER, "ru");
    await stranger.send(`/start ${link}`);
    await stranger.press("Супруг(а)");
    await stranger.press("Согласен(на)");
    await view(applicant);
    await applicant.press("Сілтемені қайтарып алу (жасалды: 23.11.2026, 10:00)");
    await applicant.press("Сілтемені қайтарып алу");
    const end = await stranger.send("Сейтова Асель Нурлановна");
    expect(to(end, STRANGER)[0]).toBe(INVALID_RU);
    expect(to(end, APPLICANT)).toEqual([]);
    expect(await t.db.prisma.caseParticipant.count({ where: { userId: BigInt(STRANGER) } })).toBe(0);
  });

  it("a second account that began the link's questions, opening it again once someone joined by it: told it is spent, then the menu — not the spent link's question again", async () => {
    // Before: «…недействительно…», then «Кем вы приходитесь пациенту?» of that very link — consent and name asked, only
    // to be refused at the end.
    const { applicant } = await formed();
    const link = await relativeLink(applicant);
    const second = h.user(STRANGER, "ru");
    await second.send(`/start ${link}`);
    await join(RELATIVE, link);
    const again = await second.send(`/start ${link}`);
    expect(to(again, STRANGER)).toEqual([INVALID_RU, MENU_RU]);
    expect(buttons(again)).not.toContain("Супруг(а)");
    // Their own link tapped again by the relative who joined, with its questions begun twice: told they are on it, the menu.
    const relative = h.user(RELATIVE, "ru");
    expect(to(await relative.send(`/start ${link}`), RELATIVE)).toEqual(["Вы уже участвуете в деле KZ-2026-000001. Сведения о деле: /cases", MENU_RU]);
  });

  it("accounts that began the link's questions, answering the next once someone joined by it: told at that answer it no longer works, then the menu — nothing more asked, no consent recorded", async () => {
    // Before: the relation answered led on to the consent (recorded) and the name, refused only at the end.
    const { applicant } = await formed();
    const link = await relativeLink(applicant);
    const first = h.user(STRANGER, "ru");
    await first.send(`/start ${link}`);
    const second = h.user(STRANGER + 1, "kk");
    await second.send(`/start ${link}`);
    await second.press("Пациенттің жұбайы");
    await join(RELATIVE, link);
    // The relation's button of the question on screen.
    const relation = await first.press("Супруг(а)");
    expect(to(relation, STRANGER)).toEqual([INVALID_RU, MENU_RU]);
    expect(to(relation, APPLICANT)).toEqual([]);
    // The consent's button, in Kazakh.
    const consent = await second.press("Келісемін");
    expect(to(consent, STRANGER + 1)).toEqual(["Бұл шақыру жарамсыз: ол қолданылған, мерзімі өткен немесе қайтарып алынған. Жаңасын сұраңыз.", MENU_KK]);
    expect(await t.db.prisma.consentEvent.count({ where: { userId: { in: [BigInt(STRANGER), BigInt(STRANGER + 1)] } } })).toBe(0);
    expect(await t.db.prisma.caseParticipant.count({ where: { userId: { in: [BigInt(STRANGER), BigInt(STRANGER + 1)] } } })).toBe(0);
    // Nothing of that link is left to answer: a name typed now is not taken as its answer.
    expect(to(await first.send("Сейтова Асель Нурлановна"), STRANGER)).not.toContain(INVALID_RU);
  });

  it("only the case's applicant may revoke; a used or expired link is said so, a used one with the button to remove who joined", async () => {
    const { applicant } = await formed();
    const first = await relativeLink(applicant);
    await relativeLink(applicant);
    const [used, spare] = await t.db.prisma.invite.findMany({ where: { role: "relative" }, orderBy: { id: "asc" } });
    await join(RELATIVE, first);

    // The relative on the case, a stranger, and a forged id: the answer a missing case gets; nothing revoked.
    const relative = h.user(RELATIVE, "ru");
    expect(to(await relative.pressData(`g:rrv:${spare!.id}`), RELATIVE)[0]).toBe(NOT_FOUND_RU);
    expect(to(await relative.pressData(`g:rrvok:${spare!.id}`), RELATIVE)[0]).toBe(NOT_FOUND_RU);
    const stranger = h.user(STRANGER, "ru");
    await stranger.send("/start");
    await stranger.press("Согласен(на)");
    expect(to(await stranger.pressData(`g:rrvok:${spare!.id}`), STRANGER)[0]).toBe(NOT_FOUND_RU);
    expect(to(await applicant.pressData(`g:rrvok:${spare!.id + 100}`), APPLICANT)[0]).toBe(NOT_FOUND_KK);
    expect((await t.db.prisma.invite.findUniqueOrThrow({ where: { id: spare!.id } })).revokedAt).toBeNull();

    // The used link is not listed; its old button says who joined by it can be removed instead.
    expect(buttons(await view(applicant)).filter((b) => b.startsWith("Сілтемені қайтарып алу"))).toHaveLength(1);
    const usedAnswer = await applicant.pressData(`g:rrv:${used!.id}`);
    expect(to(usedAnswer, APPLICANT)).toEqual([
      "KZ-2026-000001 ісіне бұл сілтеме (жасалды: 23.11.2026, 10:00) бойынша адам қосылып қойған — сілтемені қайтарып алу мүмкін емес. Қосылған адам сіз шақырған адам болмаса, оны төмендегі батырмамен алып тастаңыз.",
    ]);
    expect(buttons(usedAnswer)).toEqual(["Алып тастау: Сейтова Асель Нурлановна (пациенттің жұбайы)"]);

    // A week later the spare link has expired: not listed, and its old button says so.
    at("2026-12-01T10:00:00+05:00");
    expect(buttons(await view(applicant)).filter((b) => b.startsWith("Сілтемені қайтарып алу"))).toEqual([]);
    expect(to(await applicant.pressData(`g:rrvok:${spare!.id}`), APPLICANT)).toEqual(["KZ-2026-000001 ісі бойынша бұл сілтеменің (жасалды: 23.11.2026, 10:00) мерзімі өтті: ол бойынша ешкім қосыла алмайды.", MENU_KK]);
  });
  it("«Keep it» pressed after someone joined by the link is not told the link still works; nor is one not on the case", async () => {
    // Before: «Қайтарып алмау» answered «the link keeps working» whatever had become of it, and to anyone.
    const { applicant } = await formed();
    const link = await relativeLink(applicant);
    await view(applicant);
    await applicant.press("Сілтемені қайтарып алу (жасалды: 23.11.2026, 10:00)");
    await join(RELATIVE, link);
    const kept = await applicant.press("Қайтарып алмау");
    expect(to(kept, APPLICANT)).toEqual([
      "KZ-2026-000001 ісіне бұл сілтеме (жасалды: 23.11.2026, 10:00) бойынша адам қосылып қойған — сілтемені қайтарып алу мүмкін емес. Қосылған адам сіз шақырған адам болмаса, оны төмендегі батырмамен алып тастаңыз.",
    ]);
    expect(buttons(kept)).toEqual(["Алып тастау: Сейтова Асель Нурлановна (пациенттің жұбайы)"]);
    const invite = await t.db.prisma.invite.findFirstOrThrow({ where: { role: "relative" } });
    expect(to(await h.user(RELATIVE, "ru").pressData(`g:rkeep:${invite.id}`), RELATIVE)).toEqual([NOT_FOUND_RU, MENU_RU]);
  });
});

describe("a relative's own link tapped again", () => {
  it("after joining by it is told they are on the case — not to ask for a new link; someone else, and they once removed, are refused as before", async () => {
    // Before: «Это приглашение недействительно… Попросите новое.» for a case they were on.
    const { applicant } = await formed();
    const link = await relativeLink(applicant);
    await join(RELATIVE, link);
    const relative = h.user(RELATIVE, "ru");
    const again = to(await relative.send(`/start ${link}`), RELATIVE);
    expect(again[0]).toBe("Вы уже участвуете в деле KZ-2026-000001. Сведения о деле: /cases");
    expect(again.join("\n")).not.toContain("недействительно");
    // A week later: the link expired meanwhile, and it is still the one they joined by.
    at("2026-12-01T10:00:00+05:00");
    expect(to(await relative.send(`/start ${link}`), RELATIVE)[0]).toBe("Вы уже участвуете в деле KZ-2026-000001. Сведения о деле: /cases");
    at("2026-11-23T11:00:00+05:00");
    // Someone else opening the spent link learns nothing of the case.
    const stranger = h.user(STRANGER, "ru");
    await stranger.send("/start");
    expect(to(await stranger.send(`/start ${link}`), STRANGER)[0]).toBe(INVALID_RU);
    // Removed by the applicant, the relative is refused by it too, naming no case.
    await view(applicant);
    await removeRelative(applicant);
    const removed = to(await relative.send(`/start ${link}`), RELATIVE);
    expect(removed[0]).toBe(INVALID_RU);
    expect(removed.join("\n")).not.toContain("KZ-2026-000001");
    expect(await t.db.prisma.caseParticipant.count({ where: { userId: BigInt(RELATIVE), removedAt: null } })).toBe(0);
  });
});

describe("removing a relative", () => {
  it("is asked once more, naming them: «Алып тастамау» keeps them, untold; «Алып тастау» removes them, with the way back to the case — in either language", async () => {
    const { applicant } = await formed();
    await join(RELATIVE, await relativeLink(applicant));
    await view(applicant);
    const asked = await applicant.press("Алып тастау: Сейтова Асель Нурлановна (пациенттің жұбайы)");
    expect(to(asked, APPLICANT)).toEqual([
      "KZ-2026-000001 ісінен мына адамды алып тастайсыз ба: Сейтова Асель Нурлановна (пациенттің жұбайы)? Ол іс туралы хабарларды және комиссия отырыстарына шақыруларды алмайтын болады, бот бұл туралы оған хабарлайды. Оны қайта қосу үшін жаңа сілтеме жіберу керек.",
    ]);
    expect(to(asked, RELATIVE)).toEqual([]);
    expect(buttons(asked)).toEqual(["Алып тастау", "Алып тастамау"]);
    // Kept: the case again, the relative still on it and told nothing.
    const kept = await applicant.press("Алып тастамау");
    expect(to(kept, APPLICANT)[0]).toMatch(/^KZ-2026-000001 ісі — /);
    expect(to(kept, RELATIVE)).toEqual([]);
    expect(await t.db.prisma.caseParticipant.count({ where: { userId: BigInt(RELATIVE), removedAt: null } })).toBe(1);
    // In Russian, removed: the case's button after it.
    await applicant.send("/language");
    await applicant.press("Русский");
    await applicant.send("/cases");
    await applicant.press("Открыть KZ-2026-000001");
    const askedRu = await applicant.press("Удалить: Сейтова Асель Нурлановна (супруг(а) пациента)");
    expect(to(askedRu, APPLICANT)[0]).toMatch(/^Удалить из дела KZ-2026-000001: Сейтова Асель Нурлановна \(супруг\(а\) пациента\)\? /);
    expect(buttons(askedRu)).toEqual(["Удалить", "Не удалять"]);
    const removed = await applicant.press("Удалить");
    expect(to(removed, APPLICANT)).toEqual(["Из дела KZ-2026-000001 удалён(а): Сейтова Асель Нурлановна (супруг(а) пациента)."]);
    expect(buttons(removed)).toEqual(["Открыть KZ-2026-000001"]);
    expect(to(removed, RELATIVE)[0]).toBe("Заявитель удалил вас из дела KZ-2026-000001. Сообщений о нём больше не будет.");
    expect(await t.db.prisma.caseParticipant.count({ where: { userId: BigInt(RELATIVE), removedAt: null } })).toBe(0);
    // The question pressed again once they are gone: said so, and the menu.
    expect(to(await applicant.press("Удалить"), APPLICANT)).toEqual(["Этот человек уже удалён из дела.", MENU_RU]);
  });
});

describe("a relative removed from the case", () => {
  it("gets, for each sitting still to come, the file that takes it off their calendar — told it is not cancelled; invited again, a file their calendar takes", async () => {
    const { staff, applicant } = await formed();
    await scheduleSitting(staff); // 25.11.2026, 15:00
    await join(RELATIVE, await relativeLink(applicant));
    const sitting = await t.db.prisma.sitting.findFirstOrThrow();

    await view(applicant);
    const removed = await removeRelative(applicant);
    expect(to(removed, RELATIVE)).toEqual([
      // The right to attend is not the bot's to take (law.md §3.5): said, with whom to ask — not left as «you may not come».
      "Заявитель удалил вас из дела KZ-2026-000001. Сообщений о нём больше не будет. Супруг(а), близкие родственники и законный представитель пациента вправе присутствовать на заседаниях комиссии независимо от бота: состоится ли заседание, уточните в медицинской организации.",
      "Дело KZ-2026-000001: о заседании комиссии, назначенном на 25.11.2026, 15:00, бот больше не будет вам сообщать. Файл календаря ниже — чтобы убрать это заседание из вашего календаря; если календарь покажет его как отменённое, это не значит, что заседание отменено. Если событие осталось в календаре, удалите его.",
    ]);
    const [file, ...more] = filesTo(removed, RELATIVE);
    expect(more).toEqual([]);
    expect(file!.payload.caption).toBe("Файл для календаря: откройте его, чтобы убрать заседание из календаря.");
    // The sitting's own UID, one SEQUENCE above what the relative was sent, as a cancellation's file.
    expect(ics(file!)).toContain(`UID:${sitting.uid}`);
    expect(ics(file!)).toContain("SEQUENCE:1");
    expect(ics(file!)).toContain("STATUS:CANCELLED");
    // It takes the event off and tells nothing more: no place, no link.
    expect(ics(file!)).not.toMatch(/LOCATION|URL|Тауке хана|meet\.example/);
    expect(ics(file!)).toContain("DESCRIPTION:Бот больше не сообщает вам об этом заседании. Если календарь покажет его как отменённое\\, это не значит\\, что заседание отменено.");
    // The sitting itself is untouched: nobody else is told anything, its version and reminders stay.
    expect(filesTo(removed, APPLICANT)).toEqual([]);
    expect(to(removed, STAFF)).toEqual([]);
    const after = await t.db.prisma.sitting.findFirstOrThrow();
    expect([after.cancelledAt, after.sequence]).toEqual([null, 0]);
    expect(await t.db.prisma.scheduledJob.count({ where: { kind: "sitting_reminder", state: "pending" } })).toBe(2);

    // Invited again: the invitation's file is not below the one that took the sitting off (equal SEQUENCE, newer DTSTAMP).
    const joined = await join(RELATIVE, await relativeLink(applicant));
    const again = filesTo(joined, RELATIVE);
    expect(again).toHaveLength(1);
    expect(ics(again[0]!)).toContain("SEQUENCE:1");
    expect(ics(again[0]!)).toContain("STATUS:CONFIRMED");
  });

  it("pressing an old invitation's button is told they are no longer on the case, that the right to attend stays, and whom to ask — not «no such case»", async () => {
    const { staff, applicant } = await formed();
    await scheduleSitting(staff); // 25.11.2026, 15:00
    await join(RELATIVE, await relativeLink(applicant));
    const relative = h.user(RELATIVE, "ru");
    await view(applicant);
    await removeRelative(applicant);
    // The invitation's «Не смогу участвовать», still in their chat.
    const pressed = await relative.press("Не смогу участвовать");
    expect(to(pressed, RELATIVE)).toEqual([
      "Вы больше не участвуете в этом деле, поэтому ответ через бот не записывается. Супруг(а), близкие родственники и законный представитель пациента вправе присутствовать на заседаниях комиссии независимо от бота: состоится ли заседание, уточните в медицинской организации и там же сообщите о своём участии.",
      MENU_RU,
    ]);
    // Nothing recorded, nobody told.
    expect(await t.db.prisma.sittingResponse.count({ where: { userId: BigInt(RELATIVE) } })).toBe(0);
    expect(to(pressed, STAFF)).toEqual([]);
  });

  it("pressing «Обращение (PDF)» afterwards, or while the notice is not shown, is refused with the menu after it — not left with nothing to press", async () => {
    const { applicant } = await formed();
    await join(RELATIVE, await relativeLink(applicant));
    const relative = h.user(RELATIVE, "ru");
    await view(applicant);
    await applicant.press("Өтінішті туыстарға көрсету");
    await view(applicant);
    await applicant.press("Туыстарға енді көрсетпеу");
    expect(to(await relative.press("Обращение (PDF)"), RELATIVE)).toEqual(["Заявитель сейчас не показывает родственникам обращение по делу KZ-2026-000001.", MENU_RU]);
    await view(applicant);
    await removeRelative(applicant);
    const pressed = await relative.press("Обращение (PDF)");
    expect(to(pressed, RELATIVE)).toEqual([NOT_FOUND_RU, MENU_RU]);
    expect(filesTo(pressed, RELATIVE)).toEqual([]);
  });

  it("gets no calendar file once the commission's sittings are over", async () => {
    const { staff, applicant } = await formed();
    await scheduleSitting(staff); // 25.11.2026, 15:00
    await join(RELATIVE, await relativeLink(applicant));
    at("2026-11-26T10:00:00+05:00");
    await view(applicant);
    const removed = await removeRelative(applicant);
    expect(to(removed, RELATIVE)).toEqual(["Заявитель удалил вас из дела KZ-2026-000001. Сообщений о нём больше не будет."]);
    expect(filesTo(removed, RELATIVE)).toEqual([]);
  });
});

describe("a relative who withdraws consent, and so leaves the case", () => {
  it("gets, as one removed by the applicant does, the file that takes each sitting still to come off their calendar", async () => {
    const { staff, applicant } = await formed();
    await scheduleSitting(staff); // 25.11.2026, 15:00
    const relative = h.user(RELATIVE, "ru");
    await join(RELATIVE, await relativeLink(applicant));
    const sitting = await t.db.prisma.sitting.findFirstOrThrow();

    await relative.send("/privacy");
    await relative.press("Отозвать согласие");
    const left = await relative.press("Да, отозвать");
    expect(to(left, RELATIVE)).toEqual([
      "Согласие отозвано; вы вышли из дел, в которых участвовали как родственник (1). Ваши фамилия и имя удалены. Дать согласие снова можно через /privacy.",
      "Дело KZ-2026-000001: о заседании комиссии, назначенном на 25.11.2026, 15:00, бот больше не будет вам сообщать. Файл календаря ниже — чтобы убрать это заседание из вашего календаря; если календарь покажет его как отменённое, это не значит, что заседание отменено. Если событие осталось в календаре, удалите его.",
      "Что сделаем? Команды есть и в меню (/).",
    ]);
    const [file, ...more] = filesTo(left, RELATIVE);
    expect(more).toEqual([]);
    // «Файл календаря ниже»: the file comes right after the message that says so.
    const mine = left.filter((c) => c.payload.chat_id === RELATIVE && c.method.startsWith("send")).map((c) => c.method);
    expect(mine).toEqual(["sendMessage", "sendMessage", "sendDocument", "sendMessage"]);
    expect(file!.payload.caption).toBe("Файл для календаря: откройте его, чтобы убрать заседание из календаря.");
    expect(ics(file!)).toContain(`UID:${sitting.uid}`);
    expect(ics(file!)).toContain("SEQUENCE:1");
    expect(ics(file!)).toContain("STATUS:CANCELLED");
    // The sitting itself is untouched: the applicant hears only that the relative left.
    expect(filesTo(left, APPLICANT)).toEqual([]);
    expect(to(left, APPLICANT)).toEqual(["KZ-2026-000001 ісін енді бақыламайды: пациенттің жұбайы."]);
    // With the case's button, to invite someone else from it (before: nothing to press).
    expect(buttons(left.filter((c) => c.payload.chat_id === APPLICANT))).toEqual(["KZ-2026-000001 ісін ашу"]);
    expect(to(await applicant.press("KZ-2026-000001 ісін ашу"), APPLICANT)[0]).toMatch(/^KZ-2026-000001 ісі — /);
    const after = await t.db.prisma.sitting.findFirstOrThrow();
    expect([after.cancelledAt, after.sequence]).toEqual([null, 0]);
  });
});

describe("a relative who joins once the commission concluded", () => {
  it("is not promised invitations to sittings and reminders that will not come", async () => {
    const { staff, applicant } = await formed();
    await recordNotConfirmed(staff);
    const joined = await join(RELATIVE, await relativeLink(applicant));
    expect(to(joined, RELATIVE)[0]).toBe("Вы присоединились к делу KZ-2026-000001. Сведения о деле: /cases");
  });
});

describe("a relative whose patient died", () => {
  it("is condoled before the first copy of the notice they open — not again at every copy", async () => {
    await joinStaff(h, ADMIN, STAFF, "ru");
    const applicant = h.user(APPLICANT, "kk");
    await fileNotice(applicant, "kk", { outcome: "Пациент қайтыс болды" });
    await join(RELATIVE, await relativeLink(applicant));
    const relative = h.user(RELATIVE, "ru");
    await view(applicant);
    await applicant.press("Өтінішті туыстарға көрсету");
    const first = await relative.press("Обращение (PDF)");
    expect(to(first, RELATIVE)).toEqual(["Примите наши соболезнования."]);
    expect(filesTo(first, RELATIVE).map((c) => c.file!.filename)).toEqual(["KZ-2026-000001.pdf"]);
    // A copy shown to them: not «для передачи в медицинскую организацию» — handing it in is the applicant's.
    expect(filesTo(first, RELATIVE).map((c) => c.payload.caption)).toEqual(["Обращение KZ-2026-000001 — заявитель показал его вам."]);
    const second = await relative.press("Обращение (PDF)");
    expect(to(second, RELATIVE)).toEqual([]);
    expect(filesTo(second, RELATIVE).map((c) => c.file!.filename)).toEqual(["KZ-2026-000001.pdf"]);
  });
});

describe("a relative's language", () => {
  it("taken from their Telegram when they join by a link, is said so, with the buttons to change it before any question is answered", async () => {
    const { applicant } = await formed();
    const link = await relativeLink(applicant);
    const relative = h.user(RELATIVE, "ru");
    const opened = await relative.send(`/start ${link}`);
    expect(to(opened, RELATIVE)).toEqual([
      "Язык выбран по настройкам вашего Telegram. Сменить его можно кнопкой ниже или командой /language.",
      "Вас пригласили следить за делом KZ-2026-000001 о возможном вреде пациенту. Кем вы приходитесь пациенту?",
    ]);
    expect(relative.keyboardWith("Қазақша").buttons.flat().map((b) => b.text)).toEqual(["Қазақша", "Русский"]);
    // Kazakh instead: the question asked again in it, and the rest of the way in it.
    const changed = await relative.press("Қазақша");
    expect(to(changed, RELATIVE)).toEqual([
      "Жарайды, енді қазақша сөйлесеміз.",
      "Сіз пациентке келтірілуі мүмкін зиян туралы KZ-2026-000001 ісін бақылауға шақырылдыңыз. Пациентке кім боласыз?",
    ]);
    await relative.press("Пациенттің жұбайы");
    await relative.press("Келісемін");
    const joined = await relative.send("Сейтова Асель Нурлановна");
    expect(to(joined, RELATIVE)[0]).toBe("Сіз KZ-2026-000001 ісіне қосылдыңыз. Комиссия отырыстарына шақырулар, еске салулар және мерзімдер туралы хабарлар аласыз. Іс туралы: /cases");
    expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(RELATIVE) } })).language).toBe("kk");
  });
});

describe("a relative's /help", () => {
  it("says they follow the case and answer the invitations — not that they can invite a relative (the applicant does); the applicant's says so still", async () => {
    // Before: the applicant's help, «В /cases → дело можно пригласить родственника», to the relative too.
    const { applicant } = await formed();
    await join(RELATIVE, await relativeLink(applicant));
    const help = to(await h.user(RELATIVE, "ru").send("/help"), RELATIVE);
    expect(help[0]).toMatch(/^«Келісім» — бот о возмещении вреда от медицинской помощи: обязательное страхование профессиональной ответственности медицинских работников\. Вы следите за делом как родственник: в \/cases — его статус, сроки и заседания комиссии; на приглашение на заседание отвечайте кнопками под ним\. Подать своё обращение можно через \/notice\.\n\nКоманды:\n\/start — главное меню\n/);
    expect(help.join("\n")).not.toContain("пригласить родственника");
    expect(help[1]).toBe("Что сделаем? Команды есть и в меню (/).");
    expect(to(await applicant.send("/help"), APPLICANT)[0]).toContain("/cases → іс ішінде туысыңызды шақыруға болады");
  });
});

describe("a relative's consent", () => {
  it("names all the bot then keeps of them — their name too, which the applicant sees — in either language", async () => {
    await formed();
    const applicant = h.user(APPLICANT, "kk");
    for (const [id, lang, relation, kept] of [
      [RELATIVE, "ru", "Супруг(а)", "я сохраню ваш идентификатор в Telegram, язык, кем вы приходитесь пациенту, а также ваши фамилию и имя — их увидит заявитель."],
      [STRANGER, "kk", "Пациенттің жұбайы", "Telegram-дағы идентификаторыңызды, тіліңізді, пациентке кім болатыныңызды, сондай-ақ тегіңіз бен атыңызды сақтаймын — оларды өтініш беруші көреді."],
    ] as const) {
      const link = await relativeLink(applicant);
      const u = h.user(id, lang);
      await u.send(`/start ${link}`);
      expect(to(await u.press(relation), id).at(-1)).toContain(kept);
    }
  });
});
