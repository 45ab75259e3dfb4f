// A mediation walked in Kazakh and in Russian with what real people send (an exploratory review): a message pasted
// longer than Telegram's 4096 characters, which Telegram splits into several. Each test failed on the code before its fix.
import { describe, expect, it } from "vitest";
import { buttons, texts, textsTo as to } from "../helpers/bot.js";
import { withBot as withWorld, type World } from "../helpers/world.js";
import { mediationRunning, proposalAt, proposeSettlement } from "../helpers/staff.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const MEDIATOR = 70;
const IDS = { admin: ADMIN, staff: STAFF, applicant: APPLICANT, mediator: MEDIATOR };
const withBot = (start: string, run: (w: World) => Promise<void>) => withWorld([ADMIN], start, run);

describe("a message of 5 000 characters to the sides", () => {
  it("Telegram's two parts are kept together and go at «Жіберу», whole — not the first refused and its tail sent alone", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { applicant } = await mediationRunning(h, IDS);
      await applicant.press("Жазу");
      const first = await applicant.send("а".repeat(4096));
      expect(texts(first)).toEqual(["4096 таңба алынды — бұл ұзын хабар, ол әлі жіберілген жоқ. Жалғасы болса, оны да жіберіңіз. Содан кейін «Жіберу» батырмасын басыңыз."]);
      expect(buttons(first)).toEqual(["Жіберу", "Болдырмау"]);
      const second = await applicant.send("б".repeat(904));
      expect({ said: texts(second), staff: to(second, STAFF), mediator: to(second, MEDIATOR) }).toEqual({
        said: ["5001 таңба алынды — бұл ұзын хабар, ол әлі жіберілген жоқ. Жалғасы болса, оны да жіберіңіз. Содан кейін «Жіберу» батырмасын басыңыз."],
        staff: [],
        mediator: [],
      });
      const sent = await applicant.press("Жіберу");
      expect(to(sent, APPLICANT)[0]).toBe("Жіберілді: медиацияның барлық қатысушысына.");
      // Whole, in parts of at most 4096 characters each, the first saying from whom.
      const whole = ["Заявитель · дело KZ-2026-000001:", "а".repeat(4096), "б".repeat(904)];
      expect({ staff: to(sent, STAFF), mediator: to(sent, MEDIATOR) }).toEqual({ staff: whole, mediator: whole });
    });
  });
});

describe("a long text pasted into the mediator's terms or a counter-offer's note", () => {
  // Telegram splits a paste over 4096 characters into two messages: the first was refused «не больше 2000», the
  // second — its tail alone — taken as the terms (or the note), and what was typed first lost with no word. Now
  // both parts are refused, each saying how long it may be and that nothing was taken; «Написать заново» asks anew.
  it("ru: the mediator's terms of 5 000 characters are refused whole, both parts, and taken once written shorter", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { mediator } = await mediationRunning(h, IDS);
      await proposalAt(mediator, "1 000 000");
      const first = await mediator.send("у".repeat(4096));
      const refused = "Текст не принят: можно не больше 2000 символов, а пришло 4096. Продолжение длинного текста тоже не будет принято. Сократите текст, нажмите «Написать заново» и пришлите его одним сообщением.";
      expect(texts(first)).toEqual([refused]);
      expect(buttons(first)).toEqual(["Написать заново", "Отмена"]);
      const second = await mediator.send("ф".repeat(904));
      expect(texts(second), "the tail is not taken alone").toEqual([refused.replace("4096", "5000")]);
      expect(buttons(second)).toEqual(["Написать заново", "Отмена"]);
      expect(texts(await mediator.press("Написать заново"))).toEqual(["Условия (10–2000 символов): что, кто и когда делает — например срок выплаты."]);
      await mediator.send("Выплата в течение 15 рабочих дней после подписания.");
      const review = await mediator.press("10 дней");
      expect(texts(review)[0]).toContain("Выплата в течение 15 рабочих дней после подписания.");
      expect(texts(review)[0]).not.toContain("ффф");
    });
  });

  it("ru: terms of 2 100 characters typed (no part of a split paste) are refused, and the shorter text sent next is taken at once", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { mediator } = await mediationRunning(h, IDS);
      await proposalAt(mediator, "1 000 000");
      expect(texts(await mediator.send("у".repeat(2100)))[0]).toMatch(/^Текст не принят: можно не больше 2000 символов, а пришло 2100\./);
      // Not a tail: nothing follows a text shorter than Telegram's split, so this is the terms written again.
      expect(texts(await mediator.send("Выплата в течение 15 рабочих дней после подписания."))).toEqual([expect.stringMatching(/^Сколько календарных дней действует предложение\?/)]);
      const review = await mediator.press("10 дней");
      expect(texts(review)[0]).toContain("Выплата в течение 15 рабочих дней после подписания.");
    });
  });

  it("kk: a counter-offer's note of 5 000 characters is refused whole, both parts, and taken once written shorter", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { applicant, mediator } = await mediationRunning(h, IDS);
      await proposeSettlement(mediator, "1 000 000");
      await applicant.press("Қарсы ұсыныс");
      await applicant.send("2 000 000");
      const refused = "Мәтін қабылданбады: 1000 таңбадан аспауы керек, ал келгені — 4096. Ұзын мәтіннің жалғасы да қабылданбайды. Мәтінді қысқартып, «Қайта жазу» батырмасын басыңыз да, бір хабармен жіберіңіз.";
      const first = await applicant.send("а".repeat(4096));
      expect(texts(first)).toEqual([refused]);
      expect(buttons(first)).toEqual(["Қайта жазу", "Болдырмау"]);
      const second = await applicant.send("б".repeat(904));
      expect(texts(second), "the tail is not taken alone").toEqual([refused.replace("4096", "5000")]);
      expect(texts(await applicant.press("Қайта жазу"))).toEqual(["Сіз ұсынған сома: 2\u00a0000\u00a0000 ₸.\nМедиаторға себебін қысқаша түсіндіріңіз (1000 таңбаға дейін)."]);
      const review = await applicant.send("Емдеу шығындары осыдан көп болды.");
      expect(texts(review).join("\n")).toContain("Емдеу шығындары осыдан көп болды.");
      expect(texts(review).join("\n")).not.toContain("ббб");
    });
  });
});
