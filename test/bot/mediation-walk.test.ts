// A mediation walked in Kazakh and in Russian with what real people send (an exploratory review): a message pasted
// longer than Telegram's 4096 characters, which Telegram splits into several. Each test failed on the code before its fix.
import { describe, expect, it } from "vitest";
import { buttons, texts, textsTo as to } from "../helpers/bot.js";
import { withBot as withWorld, type World } from "../helpers/world.js";
import { mediationRunning } from "../helpers/staff.js";

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
