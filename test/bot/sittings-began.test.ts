// A sitting put off at the last moment (an expert missing, a late start, moved to tomorrow): for three hours after its
// start — the window in which the family pressing an answer is told it began — staff still move or cancel it from the
// case's view, and the family is told, with the calendar file updated. After that it is taken as held.
import { describe, expect, it } from "vitest";
import { buttons, texts, textsTo as to, type TestUser } from "../helpers/bot.js";
import type { Call } from "../../bot/local/fake-api.js";
import { runJobsAt, withBot, type World } from "../helpers/world.js";
import { commissionFormed, joinStaff, openAdmin, recordNotConfirmed, redeem, scheduleSitting, secondStaff } from "../helpers/staff.js";
import { joinRelative, removeRelative } from "../helpers/notice.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const RELATIVE = 60;
const MONDAY = "2026-11-23T10:00:00+05:00";

const ics = (c: Call) => c.file!.bytes.toString("utf8").replace(/\r\n[ \t]/g, "");
const files = (calls: Call[], chatId: number) => calls.filter((c) => c.method === "sendDocument" && c.payload.chat_id === chatId).map(ics);
const reminders = (calls: Call[]) => texts(calls).filter((x) => /^(Еске салу|Напоминание|Екі сағаттан|Через два часа)/.test(x));

const PLACE_RU = "Очно: г. Шымкент, ул. Тауке хана, 1, каб. 204\nОнлайн: https://meet.example.kz/kz-1";
const PLACE_KK = "Мекенжайы: г. Шымкент, ул. Тауке хана, 1, каб. 204\nОнлайн: https://meet.example.kz/kz-1";
const STAFF_HOME_KK: unknown = expect.stringMatching(/^«Городская больница №7»: өтініштер/);
const MENU_KK: unknown = expect.stringMatching(/^Не істейміз\?/);
const STAFF_HOME: unknown = expect.stringMatching(/^«.+»: обращения\n/);
const BEGUN_LINE = "25.11.2026, 15:00 — время начала прошло. Если заседание не состоялось, до 25.11.2026, 18:00 его можно перенести или отменить.";

/** Staff (ru), the applicant (kk) and a relative (ru) of KZ-2026-000001; a sitting on Wednesday 25.11 at 15:00, in person and online. */
/** Staff (ru) move the 25.11.2026, 15:00 sitting from the case's view to tomorrow, 16:00; returns what «Сохранить» did. */
const moveToTomorrow = async (staff: TestUser) => {
  await staff.send("/inbox");
  await staff.press("Открыть KZ-2026-000001");
  await staff.press("Перенести: 25.11.2026, 15:00");
  await staff.press("Завтра");
  await staff.send("16:00");
  return staff.press("Сохранить");
};

const sittingSet = async (w: World) => {
  const { staff, applicant } = await commissionFormed(w.h, ADMIN, STAFF, APPLICANT);
  const relative = await joinRelative(w.h, applicant, RELATIVE);
  await scheduleSitting(staff);
  return { staff, applicant, relative };
};

describe("a sitting whose start has passed, put off at the last moment", () => {
  it("is moved from the case's view to tomorrow: the family is told with the updated file, reminders and answers follow the new time", async () => {
    await withBot([ADMIN], MONDAY, async (w) => {
      const { staff, applicant, relative } = await sittingSet(w);
      const uid = (await w.t.db.prisma.sitting.findFirstOrThrow()).uid;
      // The invitation's own button, pressed later (for the old time).
      const oldButton = relative.keyboardWith("Приду очно").buttons.flat().find((b) => b.text === "Приду очно")!.callback_data;
      expect(reminders(await runJobsAt(w, "2026-11-24T15:00:00+05:00"))).toHaveLength(2);
      expect(reminders(await runJobsAt(w, "2026-11-25T13:00:00+05:00"))).toHaveLength(2);

      // 15:40: the commission has not sat (an expert is missing). The family pressing an answer is told it began…
      w.at("2026-11-25T15:40:00+05:00");
      expect(texts(await relative.pressData(oldButton))).toEqual([
        `Дело KZ-2026-000001: заседание комиссии началось 25.11.2026, 15:00 (время Казахстана), поэтому ответ через бот уже не записывается. Если заседание ещё идёт, к нему можно присоединиться:\n${PLACE_RU}`,
      ]);
      // Their view of the case says the same (not a case with no sitting at all), with no answer buttons for it.
      await relative.send("/cases");
      const during = await relative.press("Открыть KZ-2026-000001");
      expect(texts(during).join("\n")).toContain(`Заседания комиссии:\n25.11.2026, 15:00 — время начала прошло; если заседание идёт, к нему можно присоединиться:\n${PLACE_RU}`);
      expect(buttons(during).filter((b) => b.includes("2026,"))).toEqual([]);
      await applicant.send("/cases");
      expect(texts(await applicant.press("KZ-2026-000001 ісін ашу")).join("\n")).toContain(`25.11.2026, 15:00 — басталу уақыты өтті; отырыс жүріп жатса, оған қатысуға болады:\n${PLACE_KK}`);
      // …and staff still see it on the case, said to have passed its start, with the buttons to move or cancel it.
      await staff.send("/inbox");
      const view = await staff.press("Открыть KZ-2026-000001");
      expect(texts(view).at(-1)).toBe(`Заседания:\n${BEGUN_LINE}\n• заявитель: нет ответа\n• Сейтова Асель Нурлановна, супруг(а) пациента: нет ответа`);
      expect(buttons(view)).toEqual(expect.arrayContaining(["Перенести: 25.11.2026, 15:00", "Отменить"]));
      expect(texts(await staff.press("Перенести: 25.11.2026, 15:00"))[0]).toBe("Дело KZ-2026-000001\nНовая дата заседания (ДД.ММ.ГГГГ):");
      await staff.press("Завтра");
      expect(texts(await staff.send("16:00"))[0]).toMatch(/^Перенести заседание на 26\.11\.2026, 16:00 \(время Казахстана\)\?/);
      const moved = await staff.press("Сохранить");
      expect(to(moved, STAFF)[0]).toBe("Заседание по делу KZ-2026-000001 перенесено на 26.11.2026, 16:00. Сообщено: 2.");
      expect(to(moved, APPLICANT)).toEqual([
        `KZ-2026-000001 ісі: комиссия отырысы ауыстырылды\nбұрын: 25.11.2026, 15:00\nенді: 26.11.2026, 16:00 (Қазақстан уақыты)\n${PLACE_KK}\n\nТөмендегі күнтізбе файлы күнтізбеңіздегі бұрынғы жазбаны жаңартады; бұрынғы уақыттағы жазба қалып қойса, оны өшіріңіз. Қатысасыз ба?`,
      ]);
      expect(to(moved, RELATIVE)).toEqual([
        `Дело KZ-2026-000001: заседание комиссии перенесено\nбыло: 25.11.2026, 15:00\nстало: 26.11.2026, 16:00 (время Казахстана)\n${PLACE_RU}\n\nФайл календаря ниже обновит прежнее событие; если в календаре осталось событие с прежним временем, удалите его. Примете ли вы участие?`,
      ]);
      for (const who of [APPLICANT, RELATIVE]) {
        const [f] = files(moved, who);
        expect(f).toContain(`UID:${uid}`);
        expect(f).toContain("SEQUENCE:1");
        expect(f).toContain("DTSTART:20261126T110000Z");
        expect(f).toContain("STATUS:CONFIRMED");
      }

      // The old button now says the sitting was moved, with the buttons of the new time; not «it began».
      const stale = await relative.pressData(oldButton);
      expect(texts(stale)).toEqual([
        "Дело KZ-2026-000001: это заседание перенесено на 26.11.2026, 16:00 (время Казахстана). Кнопка была для прежнего времени, поэтому ответ не записан. Примете ли вы участие в новое время?",
      ]);
      expect(buttons(stale)).toEqual(["Приду очно", "Подключусь онлайн", "Не смогу участвовать"]);
      expect(await w.t.db.prisma.sittingResponse.count()).toBe(0);
      // The relative's view of the case: the new time, with its answer buttons.
      await relative.send("/cases");
      const mine = await relative.press("Открыть KZ-2026-000001");
      expect(texts(mine).join("\n")).toContain("26.11.2026, 16:00 — ваш ответ: нет ответа");
      expect(texts(mine).join("\n")).not.toContain("25.11.2026, 15:00");
      expect(buttons(mine).filter((b) => b.includes("2026,"))).toEqual(["Приду очно — 26.11.2026, 16:00", "Подключусь онлайн — 26.11.2026, 16:00", "Не смогу участвовать — 26.11.2026, 16:00"]);

      // Reminders of the new time only: «tomorrow» at 16:00 today, «in two hours» at 14:00 tomorrow.
      expect(reminders(await runJobsAt(w, "2026-11-25T15:59:00+05:00"))).toEqual([]);
      const day = await runJobsAt(w, "2026-11-25T16:00:00+05:00");
      expect(to(day, APPLICANT)).toEqual([`Еске салу: ертең KZ-2026-000001 ісі бойынша комиссия отырысы — 26.11.2026, 16:00 (Қазақстан уақыты).\n${PLACE_KK}\nСіздің жауабыңыз: жауап жоқ.`]);
      expect(to(day, RELATIVE)).toEqual([`Напоминание: завтра заседание комиссии по делу KZ-2026-000001 — 26.11.2026, 16:00 (время Казахстана).\n${PLACE_RU}\nВаш ответ: нет ответа.`]);
      expect(reminders(await runJobsAt(w, "2026-11-26T13:59:00+05:00"))).toEqual([]);
      const soon = await runJobsAt(w, "2026-11-26T14:00:00+05:00");
      expect(reminders(soon)).toHaveLength(2);
      expect(reminders(soon).every((x) => x.includes("26.11.2026, 16:00") && !x.includes("25.11.2026"))).toBe(true);

      // The move's own buttons: «began» names the new time, and three hours after it, it is over.
      w.at("2026-11-26T16:20:00+05:00");
      expect(texts(await applicant.press("Онлайн қатысамын"))).toEqual([
        `KZ-2026-000001 ісі: комиссия отырысы 26.11.2026, 16:00 уақытында (Қазақстан уақыты) басталды, сондықтан жауабыңыз бот арқылы енді жазылмайды. Отырыс әлі жүріп жатса, оған қатысуға болады:\n${PLACE_KK}`,
      ]);
      w.at("2026-11-26T19:00:00+05:00");
      expect(texts(await applicant.press("Онлайн қатысамын"))).toEqual(["Бұл отырыс өтіп кетті.", MENU_KK]);
    });
  });

  it("a relative who joined after its start, never invited to it, gets the invitation to the new time when it is moved — not «moved», nor a file said to update an earlier event", async () => {
    await withBot([ADMIN], MONDAY, async (w) => {
      const { staff, applicant } = await commissionFormed(w.h, ADMIN, STAFF, APPLICANT);
      await scheduleSitting(staff);
      // 15:20: the relative joins while the sitting may be going on — no invitation to it (its start passed).
      w.at("2026-11-25T15:20:00+05:00");
      const before = w.h.fake.calls.length;
      const relative = await joinRelative(w.h, applicant, RELATIVE);
      const joined = w.h.fake.calls.slice(before);
      expect(files(joined, RELATIVE)).toEqual([]);
      expect(to(joined, RELATIVE).some((x) => x.includes("25.11.2026, 15:00"))).toBe(false);

      // 15:40: staff move it to tomorrow, 16:00.
      w.at("2026-11-25T15:40:00+05:00");
      const moved = await moveToTomorrow(staff);
      expect(to(moved, STAFF)[0]).toBe("Заседание по делу KZ-2026-000001 перенесено на 26.11.2026, 16:00. Сообщено: 2.");
      // The applicant, invited before, is told of the move…
      expect(to(moved, APPLICANT)[0]).toMatch(/^KZ-2026-000001 ісі: комиссия отырысы ауыстырылды\nбұрын: 25\.11\.2026, 15:00/);
      // …the relative gets the invitation, as if it were set now: the new time, the place, the answer buttons.
      expect(to(moved, RELATIVE)).toEqual([
        `Дело KZ-2026-000001: заседание независимой экспертной комиссии\n26.11.2026, 16:00 (время Казахстана)\n${PLACE_RU}\n\nПациент, его супруг(а), близкие родственники и законный представитель вправе присутствовать на заседаниях комиссии. Примете ли вы участие?`,
      ]);
      const sent = moved.filter((c) => c.payload.chat_id === RELATIVE);
      expect(buttons(sent)).toEqual(["Приду очно", "Подключусь онлайн", "Не смогу участвовать"]);
      const docs = sent.filter((c) => c.method === "sendDocument");
      expect(docs.map((c) => c.payload.caption)).toEqual(["Файл для календаря: откройте его, чтобы добавить заседание."]);
      const [f] = files(moved, RELATIVE);
      expect(f).toContain("DTSTART:20261126T110000Z");
      expect(f).toContain("STATUS:CONFIRMED");
      // Their answer is taken for the new time.
      expect(texts(await relative.press("Приду очно"))[0]).toMatch(/^Дело KZ-2026-000001, заседание 26\.11\.2026, 16:00/);
      expect(await w.t.db.prisma.sittingResponse.count({ where: { userId: BigInt(RELATIVE) } })).toBe(1);

      // Moved again: now they were invited to it, and are told of the move like everyone.
      w.at("2026-11-25T17:00:00+05:00");
      await staff.send("/inbox");
      await staff.press("Открыть KZ-2026-000001");
      await staff.press("Перенести: 26.11.2026, 16:00");
      await staff.send("27.11.2026");
      await staff.send("10:00");
      const again = await staff.press("Сохранить");
      expect(to(again, RELATIVE)[0]).toMatch(/^Дело KZ-2026-000001: заседание комиссии перенесено\nбыло: 26\.11\.2026, 16:00\nстало: 27\.11\.2026, 10:00/);
    });
  });

  it("one removed while it was to come and back after its start gets, at the move, an invitation its calendar takes after the removal's file", async () => {
    await withBot([ADMIN], MONDAY, async (w) => {
      const { staff, applicant } = await sittingSet(w);
      w.at("2026-11-25T14:00:00+05:00");
      const removed = await removeRelative(applicant);
      const [off] = files(removed, RELATIVE);
      expect(off).toContain("STATUS:CANCELLED");
      expect(off).toContain("SEQUENCE:1");
      w.at("2026-11-25T15:20:00+05:00");
      await joinRelative(w.h, applicant, RELATIVE);
      w.at("2026-11-25T15:40:00+05:00");
      const moved = await moveToTomorrow(staff);
      expect(to(moved, RELATIVE)[0]).toMatch(/^Дело KZ-2026-000001: заседание независимой экспертной комиссии\n26\.11\.2026, 16:00/);
      // Above the removal's SEQUENCE:1, so the calendar takes it: the sitting's own is 1 after the move.
      const [f] = files(moved, RELATIVE);
      expect(f).toContain("SEQUENCE:2");
      expect(f).toContain("STATUS:CONFIRMED");
    });
  });

  it("held only in person, an answer pressed after its start is told where it is held — and the menu follows, not a dead end", async () => {
    await withBot([ADMIN], MONDAY, async (w) => {
      const { staff, applicant } = await commissionFormed(w.h, ADMIN, STAFF, APPLICANT);
      await scheduleSitting(staff, "25.11.2026", "15:00", "Очно");
      w.at("2026-11-25T15:20:00+05:00");
      expect(to(await applicant.press("Өзім барып қатысамын"), APPLICANT)).toEqual([
        "KZ-2026-000001 ісі: комиссия отырысы 25.11.2026, 15:00 уақытында (Қазақстан уақыты) басталды, сондықтан жауабыңыз бот арқылы енді жазылмайды. Отырыс әлі жүріп жатса, оған қатысуға болады:\nМекенжайы: г. Шымкент, ул. Тауке хана, 1, каб. 204",
        MENU_KK,
      ]);
    });
  });

  it("is cancelled from the case's view after a confirmation that says to cancel only one that did not take place", async () => {
    await withBot([ADMIN], MONDAY, async (w) => {
      const { staff, applicant } = await sittingSet(w);
      w.at("2026-11-25T15:30:00+05:00");
      await staff.send("/inbox");
      await staff.press("Открыть KZ-2026-000001");
      expect(texts(await staff.press("Отменить"))).toEqual([
        "Дело KZ-2026-000001: заседание было назначено на 25.11.2026, 15:00. Отменяйте его, только если оно не состоялось: все участники получат сообщение, что заседание отменено.",
      ]);
      expect(texts(await staff.press("Не отменять"))).toEqual(["Заседание остаётся в силе.", STAFF_HOME]);
      await staff.send("/inbox");
      await staff.press("Открыть KZ-2026-000001");
      await staff.press("Отменить");
      const cancelled = await staff.press("Отменить заседание");
      expect(to(cancelled, STAFF)).toEqual(["Заседание по делу KZ-2026-000001, назначенное на 25.11.2026, 15:00, отменено; участникам сообщено.", STAFF_HOME]);
      expect(to(cancelled, APPLICANT)).toEqual([
        "KZ-2026-000001 ісі: 25.11.2026, 15:00 уақытына белгіленген комиссия отырысы болдырылмады. Төмендегі күнтізбе файлы оны күнтізбеде болдырылмаған деп белгілейді; жазба қалып қойса, оны өшіріңіз.",
      ]);
      expect(to(cancelled, RELATIVE)).toEqual([
        "Дело KZ-2026-000001: заседание комиссии, назначенное на 25.11.2026, 15:00, отменено. Файл календаря ниже отметит его в календаре как отменённое; если событие осталось, удалите его.",
      ]);
      for (const who of [APPLICANT, RELATIVE]) {
        const [f] = files(cancelled, who);
        expect(f).toContain("STATUS:CANCELLED");
        expect(f).toContain("SEQUENCE:1");
      }
      // The family's answer is no longer «it began»; staff's view lists it no more.
      expect(texts(await applicant.press("Өзім барып қатысамын"))).toEqual(["Бұл отырыс болдырылмаған.", MENU_KK]);
      await staff.send("/inbox");
      const view = await staff.press("Открыть KZ-2026-000001");
      expect(texts(view).join("\n")).not.toContain("25.11.2026, 15:00");
      expect(buttons(view)).not.toContain("Отменить");
    });
  });

  it("a move or cancellation begun before a colleague moved it is not taken for the new time (the buttons carry its SEQUENCE)", async () => {
    await withBot([ADMIN], MONDAY, async (w) => {
      const { staff } = await sittingSet(w);
      const colleague = await secondStaff(w.h, ADMIN);
      w.at("2026-11-25T15:20:00+05:00");
      await staff.send("/inbox");
      await staff.press("Открыть KZ-2026-000001");
      await staff.press("Отменить");
      // Meanwhile the colleague moves it to 17:00 today.
      await colleague.send("/inbox");
      await colleague.press("Открыть KZ-2026-000001");
      await colleague.press("Перенести: 25.11.2026, 15:00");
      await colleague.send("25.11.2026");
      // Moved, it starts in the future: a time already past today is asked again.
      expect(texts(await colleague.send("15:10"))[0]).toBe("Это время сегодня уже прошло. Напишите более позднее.");
      await colleague.send("17:00");
      expect(to(await colleague.press("Сохранить"), colleague.id)[0]).toBe("Заседание по делу KZ-2026-000001 перенесено на 25.11.2026, 17:00. Сообщено: 2.");
      // The confirmation named 15:00: asked again, at 17:00 (to come, so the plain question), nothing cancelled.
      const again = await staff.press("Отменить заседание");
      expect(texts(again)).toEqual(["Дело KZ-2026-000001: отменить заседание, назначенное на 25.11.2026, 17:00? Все участники получат сообщение."]);
      expect((await w.t.db.prisma.sitting.findFirstOrThrow()).cancelledAt).toBeNull();
      // The «Перенести» of the view opened before: its Save says the time now, and moves nothing.
      await staff.press("Перенести: 25.11.2026, 15:00");
      await staff.press("Завтра");
      await staff.send("10:00");
      expect(texts(await staff.press("Сохранить"))[0]).toBe(
        "Заседание по делу KZ-2026-000001 тем временем уже перенесено — сейчас оно назначено на 25.11.2026, 17:00. Ничего не изменено, участникам ничего не отправлено. Если его нужно перенести ещё раз, откройте дело снова: /inbox",
      );
      expect((await w.t.db.prisma.sitting.findFirstOrThrow()).sequence).toBe(1);
    });
  });

  it("is on staff's home while it can still be moved or cancelled, said to have passed its start, with a button to its case (ru, kk); three hours on, no more", async () => {
    await withBot([ADMIN], MONDAY, async (w) => {
      const { staff } = await sittingSet(w);
      // Before its start: among the sittings to come.
      w.at("2026-11-25T14:00:00+05:00");
      expect(texts(await staff.send("/start")).at(-1)).toMatch(/\nЗаседания комиссии на 7 дней вперёд: 1\n• 25\.11\.2026, 15:00 — дело KZ-2026-000001$/);
      // 15:40, put off: no longer «to come», but there, said so, with the way to move or cancel it.
      w.at("2026-11-25T15:40:00+05:00");
      const home = await staff.send("/start");
      expect(texts(home).at(-1)).toMatch(
        /\n\nЗаседание по делу KZ-2026-000001 \(25\.11\.2026, 15:00\): время начала прошло\. Если заседание не состоялось, до 25\.11\.2026, 18:00 его можно перенести или отменить\.\n\nЗаседания комиссии на 7 дней вперёд: 0$/,
      );
      expect(buttons(home)).toContain("Заседание по делу KZ-2026-000001");
      const view = await staff.press("Заседание по делу KZ-2026-000001");
      expect(texts(view).at(-1)).toContain(BEGUN_LINE);
      expect(buttons(view)).toEqual(expect.arrayContaining(["Перенести: 25.11.2026, 15:00", "Отменить"]));
      await staff.send("/language");
      await staff.press("Қазақша");
      const kk = await staff.send("/start");
      expect(texts(kk).at(-1)).toMatch(
        /\n\nKZ-2026-000001 ісі бойынша отырыс \(25\.11\.2026, 15:00\): басталу уақыты өтті\. Отырыс өтпеген болса, 25\.11\.2026, 18:00 уақытына дейін оны ауыстыруға немесе болдырмауға болады\.\n\nАлдағы 7 күндегі комиссия отырыстары: 0$/,
      );
      expect(buttons(kk)).toContain("KZ-2026-000001 ісі бойынша отырыс");
      // Three hours after its start it is taken as held: gone from the home.
      w.at("2026-11-25T18:00:00+05:00");
      const later = await staff.send("/start");
      expect(texts(later).join("\n")).not.toContain("25.11.2026, 15:00");
      expect(buttons(later)).not.toContain("KZ-2026-000001 ісі бойынша отырыс");
    });
  });

  it("three hours after its start it is taken as held: no longer listed, and buttons of a view opened before move or cancel nothing", async () => {
    await withBot([ADMIN], MONDAY, async (w) => {
      const { staff, applicant } = await sittingSet(w);
      w.at("2026-11-25T17:59:00+05:00");
      await staff.send("/inbox");
      const view = await staff.press("Открыть KZ-2026-000001");
      expect(texts(view).at(-1)).toContain(BEGUN_LINE);
      await staff.press("Отменить");
      w.at("2026-11-25T18:00:00+05:00");
      expect(texts(await staff.press("Отменить заседание"))).toEqual(["Это заседание уже прошло.", STAFF_HOME]);
      expect(texts(await staff.press("Перенести: 25.11.2026, 15:00"))).toEqual(["Это заседание уже прошло.", STAFF_HOME]);
      expect(texts(await staff.press("Отменить"))).toEqual(["Это заседание уже прошло.", STAFF_HOME]);
      await staff.send("/inbox");
      const later = await staff.press("Открыть KZ-2026-000001");
      expect(texts(later).join("\n")).not.toContain("25.11.2026, 15:00");
      expect(buttons(later)).not.toContain("Перенести: 25.11.2026, 15:00");
      await applicant.send("/cases");
      expect(texts(await applicant.press("KZ-2026-000001 ісін ашу")).join("\n")).not.toContain("25.11.2026, 15:00");
      const s = await w.t.db.prisma.sitting.findFirstOrThrow();
      expect([s.cancelledAt, s.sequence]).toEqual([null, 0]);
    });
  });

  it("once the conclusion is recorded, one begun is cancelled by no button of a view opened before, nor offered to staff", async () => {
    await withBot([ADMIN], MONDAY, async (w) => {
      const { staff, applicant, relative } = await sittingSet(w);
      // A colleague who reads Kazakh, of the same organisation.
      const admin = w.h.user(ADMIN, "ru");
      await openAdmin(admin);
      const link = /start=([A-Za-z0-9_-]{32})/.exec(texts(await admin.press("Пригласить: Городская больница №7"))[0]!)![1]!;
      const colleague = w.h.user(53, "kk");
      await colleague.send("/start");
      await redeem(colleague, link, "kk", "staff", "Бекова Алия Сериковна");
      const data = (u: typeof staff, label: string) => u.keyboardWith(label).buttons.flat().find((b) => b.text === label)!.callback_data;

      // 15:40: the commission has not sat yet; both open the case and see «Перенести / Отменить».
      w.at("2026-11-25T15:40:00+05:00");
      await staff.send("/inbox");
      expect(texts(await staff.press("Открыть KZ-2026-000001")).at(-1)).toContain(BEGUN_LINE);
      const cancelRu = data(staff, "Отменить");
      await staff.press("Отменить");
      const confirmRu = data(staff, "Отменить заседание");
      const keepRu = data(staff, "Не отменять");
      await colleague.send("/inbox");
      expect(texts(await colleague.press("KZ-2026-000001 ісін ашу")).at(-1)).toContain("25.11.2026, 15:00 — басталу уақыты өтті.");
      const cancelKk = data(colleague, "Болдырмау");

      // 16:30: the conclusion is recorded (the commission sat after all).
      w.at("2026-11-25T16:30:00+05:00");
      await recordNotConfirmed(staff);
      expect((await w.t.db.prisma.case.findFirstOrThrow()).concludedAt).not.toBeNull();

      // 17:00, within three hours of its start: the old buttons cancel nothing; the family hears nothing of it.
      w.at("2026-11-25T17:00:00+05:00");
      const RU = "По делу KZ-2026-000001 записано заключение комиссии, поэтому назначать, переносить и отменять её заседания в боте больше нельзя.";
      const KK = "KZ-2026-000001 ісі бойынша комиссияның қорытындысы жазылған, сондықтан ботта оның отырыстарын енді тағайындауға, ауыстыруға немесе болдырмауға болмайды.";
      for (const [u, d, said] of [[staff, cancelRu, RU], [staff, confirmRu, RU], [staff, keepRu, RU], [colleague, cancelKk, KK]] as const) {
        const calls = await u.pressData(d);
        // Their home follows (a refusal is no dead end).
        expect(to(calls, u.id)).toEqual([said, u === staff ? STAFF_HOME : STAFF_HOME_KK]);
        expect(to(calls, APPLICANT)).toEqual([]);
        expect(to(calls, RELATIVE)).toEqual([]);
        expect(calls.filter((c) => c.method === "sendDocument")).toEqual([]);
      }
      // Moving says the same.
      expect(texts(await staff.press("Перенести: 25.11.2026, 15:00"))[0]).toBe(RU);
      const s = await w.t.db.prisma.sitting.findFirstOrThrow();
      expect([s.cancelledAt, s.sequence]).toEqual([null, 0]);
      expect(await w.t.db.prisma.caseEvent.count({ where: { kind: "sitting_cancelled" } })).toBe(0);

      // The case's view no longer says it can be moved or cancelled, in either language; nor to the family.
      await staff.send("/inbox");
      const view = await staff.press("Открыть KZ-2026-000001");
      expect(texts(view).join("\n")).not.toContain("25.11.2026, 15:00");
      expect(buttons(view)).not.toContain("Отменить");
      await colleague.send("/inbox");
      const viewKk = await colleague.press("KZ-2026-000001 ісін ашу");
      expect(texts(viewKk).join("\n")).not.toContain("25.11.2026, 15:00");
      expect(buttons(viewKk)).not.toContain("Болдырмау");
      await applicant.send("/cases");
      expect(texts(await applicant.press("KZ-2026-000001 ісін ашу")).join("\n")).not.toContain("25.11.2026, 15:00");
      await relative.send("/cases");
      expect(texts(await relative.press("Открыть KZ-2026-000001")).join("\n")).not.toContain("25.11.2026, 15:00");
    });
  });

  it("one begun is moved or cancelled by no one but staff of its organisation", async () => {
    await withBot([ADMIN], MONDAY, async (w) => {
      const { applicant, relative } = await sittingSet(w);
      const other = await joinStaff(w.h, ADMIN, 80, "ru", "Клиника №2", "г. Астана");
      const stranger = w.h.user(81, "ru");
      await stranger.send("/start");
      await stranger.press("Согласен(на)");
      const id = (await w.t.db.prisma.sitting.findFirstOrThrow()).id;
      w.at("2026-11-25T15:30:00+05:00");
      const datas = [`g:smv:${id}:0`, `g:scn:${id}`, `g:scnok:${id}:0`];
      // Staff of another organisation: the case is not theirs.
      for (const data of datas) expect([data, ...texts(await other.pressData(data))]).toEqual([data, "Такое дело не найдено, или вы в нём не участвуете.", STAFF_HOME]);
      // Anyone not staff (a stranger, the applicant, a relative): a stale button, in their language; nothing of the sitting said.
      for (const [u, stale] of [[stranger, "Эта кнопка устарела."], [applicant, "Бұл батырма ескірген."], [relative, "Эта кнопка устарела."]] as const) {
        for (const data of datas) {
          const calls = await u.pressData(data);
          expect(calls.filter((c) => c.method === "answerCallbackQuery").map((c) => c.payload.text)).toEqual([stale]);
          expect(texts(calls).some((x) => x.includes("KZ-2026-000001") || x.includes("25.11.2026"))).toBe(false);
        }
      }
      const s = await w.t.db.prisma.sitting.findFirstOrThrow();
      expect([s.cancelledAt, s.sequence]).toEqual([null, 0]);
    });
  });
});
