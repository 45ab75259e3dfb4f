// Journey J5 walked as the mediator, the applicant and the organisation's staff live it (a fresh-eyes review):
// amounts typed as people type them, proposals answered late or superseded. Each test failed on the code before its fix.
import { describe, expect, it } from "vitest";
import { buttons, newUpdateId, shown, texts, type TestUser, textsTo as to } from "../helpers/bot.js";
import { runJobsAt, withBot as withWorld, type World } from "../helpers/world.js";
import { mediationRunning } from "../helpers/staff.js";
import type { Call } from "../../bot/local/fake-api.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const MEDIATOR = 70;
const NUMBER = "KZ-2026-000001";
const IDS = { admin: ADMIN, staff: STAFF, applicant: APPLICANT, mediator: MEDIATOR };

const withBot = (start: string, run: (w: World) => Promise<void>) => withWorld([ADMIN], start, run);

/** The mediator opens the proposal and types the amount; returns what the bot said to it. */
const proposeAmount = async (mediator: TestUser, amount: string) => {
  await mediator.send("/inbox");
  await mediator.press(`Открыть ${NUMBER}`);
  await mediator.press("Предложить урегулирование");
  return mediator.send(amount);
};
/** …the rest of the proposal: terms, the usual ten days, review; returns what Send did. */
const finishProposal = async (mediator: TestUser) => {
  await mediator.send("Выплата в течение 15 рабочих дней после подписания.");
  await mediator.press("10 дней");
  return mediator.press("Отправить");
};

describe("amounts typed as people type them", () => {
  it("«1,5 млн», «2 млн тг.», «1.500.000» are read as written and shown back; thousands parted wrongly («1 500 00») are asked again, not read as 150 000", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { applicant, mediator } = await mediationRunning(h, IDS);
      expect(texts(await proposeAmount(mediator, "1,5 млн"))[0]).toMatch(/^Условия/);
      await mediator.send("Выплата в течение 15 рабочих дней после подписания.");
      const review = await mediator.press("10 дней");
      expect(texts(review)[0]).toContain("Сумма: 1\u00a0500\u00a0000 ₸");
      await mediator.press("Отправить");
      await applicant.press("Қарсы ұсыныс");
      expect(texts(await applicant.send("1 500 00"))).toEqual(["Соманы теңгемен бүтін санмен жазыңыз, мысалы, 1 500 000.", "Қарсы ұсыныс: қандай соманы ұсынасыз (теңгемен)?"]);
      // The amount the bot read is said back before the note, and again in the review before it goes.
      expect(texts(await applicant.send("2 млн тг."))).toEqual(["Сіз ұсынған сома: 2\u00a0000\u00a0000 ₸.\nМедиаторға себебін қысқаша түсіндіріңіз (1000 таңбаға дейін)."]);
      await applicant.send("Емдеу шығындары көп болды.");
      const countered = await applicant.press("Жіберу");
      expect(to(countered, MEDIATOR)[0]).toMatch(/^Дело KZ-2026-000001: встречное предложение \(2\) — Заявитель\.\nСумма: 2\u00a0000\u00a0000 ₸\n/);
      await proposeAmount(mediator, "1.800.000");
      expect(to(await finishProposal(mediator), APPLICANT)[0]).toMatch(/^KZ-2026-000001 ісі: медиатордың № 3 ұсынысы\n\nСомасы: 1\u00a0800\u00a0000 ₸\n/);
    });
  });
});

describe("a size with no number («млн», «тыс.»)", () => {
  it("is asked again with why, in the reader's language — not read as 1 000 000 ₸; «миллион» alone is read as one million and shown back in the review", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { applicant, mediator } = await mediationRunning(h, IDS);
      const again = ["Не указано число: напишите сумму цифрами, например 1 500 000 или 1,5 млн.", "Сумма урегулирования в тенге (целое число):"];
      expect(texts(await proposeAmount(mediator, "млн"))).toEqual(again);
      expect(texts(await mediator.send("тыс."))).toEqual(again);
      expect(texts(await mediator.send("миллионов тенге"))).toEqual(again);
      expect(texts(await mediator.send("миллион"))[0]).toMatch(/^Условия/);
      await mediator.send("Выплата в течение 15 рабочих дней после подписания.");
      expect(texts(await mediator.press("10 дней"))[0]).toContain("Сумма: 1\u00a0000\u00a0000 ₸\n");
      await mediator.press("Отправить");
      await applicant.press("Қарсы ұсыныс");
      expect(texts(await applicant.send("млн"))).toEqual(["Сан көрсетілмеген: соманы цифрмен жазыңыз, мысалы, 1 500 000 немесе 1,5 млн.", "Қарсы ұсыныс: қандай соманы ұсынасыз (теңгемен)?"]);
      expect(texts(await applicant.send("2 млн"))[0]).toMatch(/^Сіз ұсынған сома: 2\u00a0000\u00a0000 ₸\./);
    });
  });
});

describe("a counter-offer reviewed before it goes", () => {
  it("the amount as the bot read it and the note are shown with «Жіберу» / «Өзгерту»: a zero too many is changed before the mediator sees anything", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { applicant, mediator } = await mediationRunning(w.h, IDS);
      await proposeAmount(mediator, "2 000 000");
      await finishProposal(mediator);
      await applicant.press("Қарсы ұсыныс");
      await applicant.send("25 000 000");
      const review = await applicant.send("Емдеу шығындары көп болды.");
      expect(texts(review)).toEqual(["Қарсы ұсынысты тексеріңіз:\n\nСомасы: 25\u00a0000\u00a0000 ₸\nСебебі: Емдеу шығындары көп болды.\n\nОны медиатор алады."]);
      expect(buttons(review)).toEqual(["Жіберу", "Өзгерту", "Болдырмау"]);
      expect(to(review, MEDIATOR), "nothing goes before «Жіберу»").toEqual([]);
      expect(texts(await applicant.press("Өзгерту"))).toEqual(["Қарсы ұсыныс: қандай соманы ұсынасыз (теңгемен)?"]);
      await applicant.send("2 500 000");
      expect(texts(await applicant.send("Емдеу шығындары көп болды."))[0]).toContain("Сомасы: 2\u00a0500\u00a0000 ₸\n");
      const sent = await applicant.press("Жіберу");
      expect(to(sent, APPLICANT)[0]).toBe("KZ-2026-000001 ісі бойынша қарсы ұсыныс медиаторға жіберілді.");
      expect(to(sent, MEDIATOR)[0]).toMatch(/^Дело KZ-2026-000001: встречное предложение \(2\) — Заявитель\.\nСумма: 2\u00a0500\u00a0000 ₸\n/);
      const counters = await w.t.db.prisma.proposal.findMany({ where: { authorRole: "applicant" } });
      expect(counters.map((p) => Number(p.amountTenge))).toEqual([2_500_000]);
    });
  });
});

describe("a document sent in the mediation with text written under it", () => {
  it("reaches the others with that text as its caption, not without it; a caption longer than the bot may send goes right after the file, as a message", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { applicant } = await mediationRunning(h, IDS);
      await applicant.press("Жазу");
      const sent = await applicant.document("application/pdf", "receipts", undefined, "Емдеу шығындарының түбіртектері, барлығы 2 500 000 ₸.");
      expect(to(sent, APPLICANT)[0]).toBe("Жіберілді: медиацияның барлық қатысушысына.");
      expect(to(sent, APPLICANT), "not told the text was dropped").not.toContain("Файлмен бірге жазылған мәтінді бот сақтамайды. Ол маңызды болса, бөлек хабарлама етіп жіберіңіз.");
      const documents = (calls: Call[]) => calls.filter((c) => c.method === "sendDocument").map((c) => [c.payload.chat_id, c.payload.document, c.payload.caption]);
      expect(documents(sent).sort()).toEqual([
        [STAFF, "receipts", "Емдеу шығындарының түбіртектері, барлығы 2 500 000 ₸."],
        [MEDIATOR, "receipts", "Емдеу шығындарының түбіртектері, барлығы 2 500 000 ₸."],
      ]);
      // Telegram Premium allows captions of up to 4096 characters; a file's caption the bot sends may have 1024. Before: such
      // a text went nowhere — the sender was told to type it again.
      await applicant.press("Жазу");
      const words = "Түбіртектер. ".repeat(100).trim();
      const long = await applicant.document("application/pdf", "receipts-2", undefined, words);
      expect(to(long, APPLICANT)[0]).toBe("Жіберілді: медиацияның барлық қатысушысына.");
      expect(to(long, APPLICANT).join("\n")).not.toContain("1024");
      expect(documents(long).sort()).toEqual([
        [STAFF, "receipts-2", undefined],
        [MEDIATOR, "receipts-2", undefined],
      ]);
      // Each reader: the note, the file, then the words, as a message from the same side.
      const after = (id: number) => long.filter((c) => c.payload.chat_id === id).map((c) => (c.method === "sendDocument" ? "file" : String(c.payload.text)));
      expect(after(MEDIATOR).slice(-2)).toEqual(["file", `Заявитель · дело KZ-2026-000001:\n${words}`]);
      expect(after(STAFF).slice(-2)).toEqual(["file", `Заявитель · дело KZ-2026-000001:\n${words}`]);
    });
  });
});

describe("the applicant's own counter-offer below the statutory minimum (law.md §4)", () => {
  // Before: the review showed the amount alone — the applicant could send 1 500 000 ₸ without being told the law's minimum
  // for their outcome is 2 595 000 ₸, and that the right to the insurance payment stays theirs.
  const minimum = "Бұл салдар (II топтағы мүгедектік) үшін заңда белгіленген ең төменгі сақтандыру төлемі — 600 АЕК, яғни 2\u00a0595\u00a0000 ₸.";
  const below = "⚠ Ұсынылған сома осы ең төменгі сомадан аз. Бірыңғай сақтандыру пулынан сақтандыру төлемін алу құқығы өтініш берушіде сақталады.";
  it("is reviewed beside that minimum with the warning, as the proposal was; the organisation's review stays as it was", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { applicant, staff, mediator } = await mediationRunning(w.h, IDS, "II топтағы мүгедектік");
      await proposeAmount(mediator, "1 000 000");
      await finishProposal(mediator);
      await applicant.press("Қарсы ұсыныс");
      await applicant.send("1 500 000");
      const review = await applicant.send("Емдеу шығындары көп болды.");
      expect(texts(review)).toEqual([`Қарсы ұсынысты тексеріңіз:\n\nСомасы: 1\u00a0500\u00a0000 ₸\n${minimum}\n${below}\n\nСебебі: Емдеу шығындары көп болды.\n\nОны медиатор алады.`]);
      expect(buttons(review)).toEqual(["Жіберу", "Өзгерту", "Болдырмау"]);
      // Changed to an amount above it: the minimum beside it, no warning.
      await applicant.press("Өзгерту");
      await applicant.send("3 000 000");
      const above = texts(await applicant.send("Емдеу шығындары көп болды."))[0]!;
      expect(above).toContain(`Сомасы: 3\u00a0000\u00a0000 ₸\n${minimum}\n\n`);
      expect(above).not.toContain("⚠");
      // The organisation's counter-offer: its review as before, no minimum (the warning is the applicant's).
      await staff.press("Встречное предложение");
      await staff.send("800 000");
      expect(texts(await staff.send("Бюджет ограничен."))).toEqual(["Проверьте встречное предложение:\n\nСумма: 800\u00a0000 ₸\nПричина: Бюджет ограничен.\n\nЕго получит медиатор."]);
    });
  });

  it("in a death case, without repeating the condolence the proposal it answers began with", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { applicant, mediator } = await mediationRunning(w.h, IDS, "Пациент қайтыс болды");
      await proposeAmount(mediator, "5 000 000");
      await finishProposal(mediator);
      await applicant.press("Қарсы ұсыныс");
      await applicant.send("6 000 000");
      const review = texts(await applicant.send("Емдеу шығындары көп болды."));
      expect(review).toHaveLength(1);
      expect(review[0]).toMatch(/^Қарсы ұсынысты тексеріңіз:\n\nСомасы: 6\u00a0000\u00a0000 ₸\nБұл салдар \(пациент қайтыс болды\) үшін заңда белгіленген ең төменгі сақтандыру төлемі — 3\u00a0000 АЕК, яғни 12\u00a0975\u00a0000 ₸\.\n⚠ /);
    });
  });
});

describe("the mediator's own proposal below the statutory minimum (law.md §4)", () => {
  // Before: the mediator's review showed the amount alone; the minimum and the warning came only in «Предложение 1 …
  // отправлено сторонам» — after the proposal had already reached the applicant, too late to change it.
  const review = async (outcome: string | undefined, amount: string) => {
    let said: Call[] = [];
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { mediator } = await mediationRunning(w.h, IDS, outcome);
      await proposeAmount(mediator, amount);
      await mediator.send("Выплата в течение 15 рабочих дней после подписания.");
      said = await mediator.press("10 дней");
    });
    return texts(said);
  };
  it("is reviewed beside that minimum with the warning before «Отправить»; at or above it, the minimum alone; an unknown outcome, as before", async () => {
    expect(await review("I топтағы мүгедектік", "1 000 000")).toEqual([
      "Проверьте предложение:\n\nСумма: 1\u00a0000\u00a0000 ₸\nМинимальная страховая выплата по закону при этих последствиях (инвалидность I группы) — 800 МРП, то есть 3\u00a0460\u00a0000 ₸.\n⚠ Предложенная сумма меньше этого минимума. Право на страховую выплату из единого страхового пула остаётся за заявителем.\nУсловия: Выплата в течение 15 рабочих дней после подписания.\nСрок действия (календарных дней): 10\n\nЕго получат обе стороны с кнопками «Принять», «Отклонить», «Встречное предложение».",
    ]);
    expect(await review("Мүгедектіксіз зиян", "1 297 500")).toEqual([
      "Проверьте предложение:\n\nСумма: 1\u00a0297\u00a0500 ₸\nМинимальная страховая выплата по закону при этих последствиях (вред без инвалидности) — 300 МРП, то есть 1\u00a0297\u00a0500 ₸.\nУсловия: Выплата в течение 15 рабочих дней после подписания.\nСрок действия (календарных дней): 10\n\nЕго получат обе стороны с кнопками «Принять», «Отклонить», «Встречное предложение».",
    ]);
    expect(await review(undefined, "1 000 000")).toEqual([
      "Проверьте предложение:\n\nСумма: 1\u00a0000\u00a0000 ₸\nУсловия: Выплата в течение 15 рабочих дней после подписания.\nСрок действия (календарных дней): 10\n\nЕго получат обе стороны с кнопками «Принять», «Отклонить», «Встречное предложение».",
    ]);
  });
});

describe("an album sent in the mediation", () => {
  // Before: the first file to arrive was relayed, and every other file of the album got «этот файл не сохранён» — the
  // sender believed the others had every page.
  it("every file of it reaches the others in the order the person chose them, each with its own caption, at «Жіберу»; the sender is answered once", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { applicant } = await mediationRunning(h, IDS);
      await applicant.press("Жазу");
      // Telegram numbers an album's messages in the order the files were chosen; their updates may come in any order.
      const first = newUpdateId();
      newUpdateId();
      newUpdateId();
      const caption = "Екінші бет — дәрігердің қорытындысы.";
      const calls = [
        ...(await applicant.document("application/pdf", "page-2", "9001", caption, first + 1)),
        ...(await applicant.document("application/pdf", "page-1", "9001", undefined, first)),
        ...(await applicant.document("application/pdf", "page-3", "9001", undefined, first + 2)),
      ];
      const count = "Алынған файлдар: 3. Олар әлі жіберілген жоқ. Басқа файлдар болса, оларды да жіберіңіз. Барлығын жіберген соң «Жіберу» батырмасын басыңыз.";
      expect(shown(calls, APPLICANT)).toEqual([count]);
      expect(buttons(calls)).toEqual(["Жіберу", "Болдырмау"]);
      expect(JSON.stringify(calls)).not.toMatch(/сақталмады|не сохранён/);
      expect([...to(calls, STAFF), ...to(calls, MEDIATOR)], "nothing goes before «Жіберу»").toEqual([]);
      const sent = await applicant.press("Жіберу");
      expect(to(sent, APPLICANT)[0]).toBe("Жіберілді: медиацияның барлық қатысушысына.");
      expect(to(sent, APPLICANT).filter((t) => t.startsWith("Жіберілді")), "one answer for the album").toHaveLength(1);
      for (const id of [STAFF, MEDIATOR]) {
        expect(to(sent, id), String(id)).toEqual(["Заявитель · дело KZ-2026-000001: документы ниже (3)."]);
        expect(
          sent.filter((c) => c.payload.chat_id === id && c.method === "sendDocument").map((c) => [c.payload.document, c.payload.caption]),
          String(id),
        ).toEqual([
          ["page-1", undefined],
          ["page-2", caption],
          ["page-3", undefined],
        ]);
      }
    });
  });
});

describe("a video inside an album sent in the mediation", () => {
  // Before: each video of the album got «Видео и голосовые сообщения бот не передаёт…» — an album of a photo and four
  // videos, four times the same message between the counts.
  it("is said once for the album not to be relayed, and the album's files go at «Жіберу»", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { applicant } = await mediationRunning(h, IDS);
      await applicant.press("Жазу");
      const calls = [...(await applicant.photo("m-1", "9101")), ...(await applicant.video("9101")), ...(await applicant.video("9101")), ...(await applicant.video("9101")), ...(await applicant.photo("m-2", "9101"))];
      const refusal = "Бот бейне мен дауыстық хабарламаларды жібермейді: тек фото мен құжаттар жіберіледі. Барлығын жіберген соң «Жіберу» батырмасын басыңыз.";
      expect(to(calls, APPLICANT).filter((x) => x === refusal)).toHaveLength(1);
      expect(shown(calls, APPLICANT)).toContain("Алынған файлдар: 2. Олар әлі жіберілген жоқ. Басқа файлдар болса, оларды да жіберіңіз. Барлығын жіберген соң «Жіберу» батырмасын басыңыз.");
      const sent = await applicant.press("Жіберу");
      expect(sent.filter((c) => c.payload.chat_id === STAFF && c.method === "sendPhoto").map((c) => c.payload.photo)).toEqual(["m-1", "m-2"]);
    });
  });
});

describe("a document the mediator sends to one side alone", () => {
  // Before: the note before it read as one to everyone («Медиатор · … ісі: құжат төменде.»), though the other side never
  // got it, and had no reply that goes to the mediator alone — as a text sent to one side has.
  it("is said to be theirs alone, as a text is, with the reply that goes to the mediator alone", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { applicant, mediator } = await mediationRunning(h, IDS);
      await mediator.send("/inbox");
      await mediator.press(`Открыть ${NUMBER}`);
      await mediator.press("Написать");
      await mediator.press("Только заявителю");
      const doc = await mediator.document("application/pdf", "calculation");
      expect(to(doc, MEDIATOR)[0]).toBe("Отправлено: заявителю.");
      expect(to(doc, APPLICANT)).toEqual(["Медиатор · KZ-2026-000001 ісі · тек сізге: құжат төменде."]);
      expect(buttons(doc.filter((c) => c.payload.chat_id === APPLICANT))).toEqual(["Жауап беру"]);
      expect(doc.filter((c) => c.method === "sendDocument").map((c) => c.payload.chat_id)).toEqual([APPLICANT]);
      expect(to(doc, STAFF)).toEqual([]);
      await applicant.press("Жауап беру");
      const reply = await applicant.send("Есептеуді оқыдым, сұрағым бар.");
      expect(to(reply, MEDIATOR)).toEqual(["Заявитель · дело KZ-2026-000001 · только вам:\nЕсептеуді оқыдым, сұрағым бар."]);
      expect(to(reply, STAFF)).toEqual([]);
    });
  });
});

describe("a proposal superseded by a newer one", () => {
  it("is not announced as expired on its date: only the proposal that stands is", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { mediator } = await mediationRunning(w.h, IDS);
      await proposeAmount(mediator, "2 000 000");
      await finishProposal(mediator); // stands until 03.12.2026
      w.at("2026-11-25T10:00:00+05:00");
      await proposeAmount(mediator, "2 200 000");
      await finishProposal(mediator); // stands until 05.12.2026
      // On 04.12 the first one's date is past — but the sides are answering the second, which still stands.
      // (Other reminders of the case — its receipt not recorded — may come meanwhile.)
      const expired = (calls: Call[]) => to(calls, APPLICANT).filter((x) => x.includes("ұсыныстың мерзімі"));
      expect(expired(await runJobsAt(w, "2026-12-04T00:00:01+05:00"))).toEqual([]);
      expect(expired(await runJobsAt(w, "2026-12-06T00:00:01+05:00"))).toEqual(["KZ-2026-000001 ісі: 2-ұсыныстың мерзімі өтті (05.12.2026) — оны екі тарап бірдей қабылдаған жоқ."]);
    });
  });
});

describe("how long a proposal stands", () => {
  it("the mediator is told the day their proposal stands until — and that it is the mediation's last day when the mediation ends sooner than the days asked", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { mediator } = await mediationRunning(w.h, IDS);
      await proposeAmount(mediator, "2 000 000");
      expect(to(await finishProposal(mediator), MEDIATOR)[0]).toMatch(/^Предложение 1 по делу KZ-2026-000001 отправлено сторонам\. Оно действует до конца дня 03\.12\.2026\.\n/);
      // Mediation runs until 23.12.2026; on 20.12 the mediator asks the usual ten days — to 30.12, which cannot be.
      w.at("2026-12-20T10:00:00+05:00");
      await proposeAmount(mediator, "2 100 000");
      expect(to(await finishProposal(mediator), MEDIATOR)[0]).toMatch(/^Предложение 2 по делу KZ-2026-000001 отправлено сторонам\. Оно действует до конца дня 23\.12\.2026 — последнего дня медиации\.\n/);
    });
  });
});

describe("a counter-offer on a proposal that stopped standing while it was typed", () => {
  it("a new proposal came meanwhile: the applicant is told their counter-offer was not sent, and the mediator gets nothing", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { applicant, mediator } = await mediationRunning(w.h, IDS);
      await proposeAmount(mediator, "2 000 000");
      await finishProposal(mediator);
      await applicant.press("Қарсы ұсыныс");
      await applicant.send("2 500 000");
      await applicant.send("Емдеу шығындары көп болды.");
      await proposeAmount(mediator, "2 200 000");
      await finishProposal(mediator);
      const late = await applicant.press("Жіберу");
      expect(to(late, APPLICANT)[0]).toBe("Қарсы ұсынысыңыз жіберілмеді. KZ-2026-000001 ісі бойынша 1-ұсыныс енді күшінде емес: медиатор жаңа ұсыныс жасады.");
      expect(to(late, MEDIATOR)).toEqual([]);
    });
  });

  it("its date passed meanwhile: the applicant is told it was not sent", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { applicant, mediator } = await mediationRunning(w.h, IDS);
      await proposeAmount(mediator, "2 000 000");
      await finishProposal(mediator); // stands until 03.12.2026
      await applicant.press("Қарсы ұсыныс");
      await applicant.send("2 500 000");
      await applicant.send("Емдеу шығындары көп болды.");
      w.at("2026-12-04T09:00:00+05:00");
      expect(texts(await applicant.press("Жіберу"))[0]).toBe("Қарсы ұсынысыңыз жіберілмеді. KZ-2026-000001 ісі бойынша 1-ұсыныстың мерзімі өтті.");
    });
  });
});

describe("«Қарсы ұсыныс» on a proposal that no longer stands", () => {
  it("an old message's button is answered at once, before an amount and a note are asked for", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { applicant, mediator } = await mediationRunning(w.h, IDS);
      await proposeAmount(mediator, "2 000 000");
      await finishProposal(mediator); // stands until 03.12.2026
      const p1 = await w.t.db.prisma.proposal.findFirstOrThrow();
      await proposeAmount(mediator, "2 200 000");
      await finishProposal(mediator);
      expect(texts(await applicant.pressData(`g:pctr:${p1.id}`))[0]).toBe("KZ-2026-000001 ісі бойынша 1-ұсыныс енді күшінде емес: медиатор жаңа ұсыныс жасады.");
      w.at("2026-12-06T09:00:00+05:00");
      expect(texts(await applicant.press("Қарсы ұсыныс"))[0]).toBe("KZ-2026-000001 ісі бойынша 2-ұсыныстың мерзімі өтті.");
    });
  });
});

describe("the mediation opened from the case", () => {
  it("shows a side the proposal that stands, until when, with the buttons that answer it — its own message may be far up the chat", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { applicant, mediator } = await mediationRunning(w.h, IDS, "II топтағы мүгедектік");
      await proposeAmount(mediator, "2 000 000");
      await finishProposal(mediator);
      await applicant.send("/cases");
      await applicant.press("KZ-2026-000001 ісін ашу");
      const view = await applicant.press("Медиацияны ашу");
      expect(texts(view)[0]).toBe(
        "KZ-2026-000001 ісі бойынша медиация: жүріп жатыр.\n\nҰсыныстар:\n1. Медиатор: 2\u00a0000\u00a0000 ₸\n\n1-ұсыныс 03.12.2026 күнінің соңына дейін күшінде: оған төмендегі батырмалармен жауап беруге болады.\n" +
          // Answered from here too: beside the minimum, with the warning (law.md §4), as in the proposal's own message.
          "Бұл салдар (II топтағы мүгедектік) үшін заңда белгіленген ең төменгі сақтандыру төлемі — 600 АЕК, яғни 2\u00a0595\u00a0000 ₸.\n" +
          "⚠ Ұсынылған сома осы ең төменгі сомадан аз. Бірыңғай сақтандыру пулынан сақтандыру төлемін алу құқығы өтініш берушіде сақталады.",
      );
      expect(applicant.keyboards().at(-1)!.buttons.flat().map((b) => b.text)).toEqual(["Қабылдау", "Бас тарту", "Қарсы ұсыныс", "Сұрақ қою", "Жазу", "Медиациядан шығу"]);
      expect(to(await applicant.press("Қабылдау"), APPLICANT)[0]).toBe("Сіз KZ-2026-000001 ісі бойынша 1-ұсынысты қабылдадыңыз.");
      // Its date passed: the view shows the rounds, and no button to answer what no longer stands.
      w.at("2026-12-04T09:00:00+05:00");
      await applicant.send("/cases");
      await applicant.press("KZ-2026-000001 ісін ашу");
      expect(texts(await applicant.press("Медиацияны ашу"))[0]).not.toContain("күшінде");
      expect(applicant.keyboards().at(-1)!.buttons.flat().map((b) => b.text)).toEqual(["Жазу", "Медиациядан шығу"]);
    });
  });
});

describe("the agreement's text to confirm, from the case", () => {
  it("a side who has not confirmed it yet gets the button that does, in the mediation's view; once confirmed, no more", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async (w) => {
      const { applicant, staff, mediator } = await mediationRunning(w.h, IDS, "II топтағы мүгедектік");
      await proposeAmount(mediator, "2 000 000");
      await finishProposal(mediator);
      await applicant.press("Қабылдау");
      await staff.press("Принять");
      await applicant.send("/cases");
      await applicant.press("KZ-2026-000001 ісін ашу");
      expect(texts(await applicant.press("Медиацияны ашу"))[0]).toMatch(
        /\n\nЕкі тарап 1-ұсынысты қабылдады: дауды реттеу туралы келісім растауыңызды күтеді — батырма төменде\.\nБұл салдар \(II топтағы мүгедектік\) үшін заңда белгіленген ең төменгі сақтандыру төлемі — 600 АЕК, яғни 2\u00a0595\u00a0000 ₸\.\n⚠ Ұсынылған сома осы ең төменгі сомадан аз\./,
      );
      expect(applicant.keyboards().at(-1)!.buttons.flat().map((b) => b.text)).toEqual(["Оқыдым және келісемін", "Жазу", "Медиациядан шығу"]);
      expect(to(await applicant.press("Оқыдым және келісемін"), APPLICANT)[0]).toMatch(/^Растауыңыз тіркелді\./);
      await applicant.send("/cases");
      await applicant.press("KZ-2026-000001 ісін ашу");
      expect(texts(await applicant.press("Медиацияны ашу"))[0]).not.toContain("растауыңызды күтеді");
    });
  });
});

describe("a sum written out in words, zero, a minus, too many figures", () => {
  it("«бір миллион», «полтора миллиона» are read and shown back; 0 and −5 are asked again as «больше нуля», 10^15 in figures as too large — not as a wrong format", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { applicant, mediator } = await mediationRunning(h, IDS);
      const ask = "Сумма урегулирования в тенге (целое число):";
      expect(texts(await proposeAmount(mediator, "0"))).toEqual(["Сумма должна быть больше нуля: напишите её цифрами, например 1 500 000.", ask]);
      expect(texts(await mediator.send("-5"))).toEqual(["Сумма должна быть больше нуля: напишите её цифрами, например 1 500 000.", ask]);
      expect(texts(await mediator.send("1000000000000000"))).toEqual(["Сумма больше 1\u00a0000\u00a0000\u00a0000 ₸ — проверьте, нет ли лишних цифр.", ask]);
      expect(texts(await mediator.send("полтора миллиона"))[0]).toMatch(/^Условия/);
      await mediator.send("Выплата в течение 15 рабочих дней после подписания.");
      expect(texts(await mediator.press("10 дней"))[0]).toContain("Сумма: 1\u00a0500\u00a0000 ₸\n");
      await mediator.press("Отправить");
      await applicant.press("Қарсы ұсыныс");
      expect(texts(await applicant.send("0 теңге"))).toEqual(["Сома нөлден үлкен болуы керек: оны цифрмен жазыңыз, мысалы, 1 500 000.", "Қарсы ұсыныс: қандай соманы ұсынасыз (теңгемен)?"]);
      expect(texts(await applicant.send("бір миллион"))[0]).toMatch(/^Сіз ұсынған сома: 1\u00a0000\u00a0000 ₸\./);
    });
  });
});
