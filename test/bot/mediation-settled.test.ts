// The case settled (the signed agreement recorded): the news reaches the applicant, the organisation's staff and the
// relatives with the way on under it — one keyboard, the case's view — not as the last thing in the chat with nothing
// to press. The signed agreement's file comes before the message saying it is recorded. Failed before its fix.
import { describe, expect, it } from "vitest";
import { buttons, texts, textsTo as to } from "../helpers/bot.js";
import type { Call } from "../../bot/local/fake-api.js";
import { withBot as withWorld, type World } from "../helpers/world.js";
import { joinRelative } from "../helpers/notice.js";
import { mediationRunning, settleByAgreement } from "../helpers/staff.js";

const ADMIN = 9001;
const STAFF = 50;
const APPLICANT = 51;
const RELATIVE = 60;
const MEDIATOR = 70;
const IDS = { admin: ADMIN, staff: STAFF, applicant: APPLICANT, mediator: MEDIATOR };
const withBot = (start: string, run: (w: World) => Promise<void>) => withWorld([ADMIN], start, run);
const of = (calls: Call[], chatId: number) => calls.filter((c) => c.payload.chat_id === chatId);

describe("the settled news", () => {
  it("reaches the applicant (kk), staff and a relative (ru) with their case's view button last; the one who recorded it gets their home", async () => {
    await withBot("2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { staff, applicant, mediator } = await mediationRunning(h, IDS);
      const relative = await joinRelative(h, applicant, RELATIVE);
      const settled = await settleByAgreement({ staff, applicant, mediator });
      // The applicant: the signed agreement, then the message saying the case is settled, with the case's button under it.
      expect(of(settled, APPLICANT).map((c) => c.method)).toEqual(["sendDocument", "sendMessage"]);
      expect(to(settled, APPLICANT)).toEqual(["KZ-2026-000001 ісі реттелді: 2\u00a0700\u00a0000 ₸ сомасына қол қойылған келісім тіркелді."]);
      expect(buttons(of(settled, APPLICANT))).toEqual(["KZ-2026-000001 ісін ашу"]);
      expect(of(settled, STAFF).map((c) => c.method)).toEqual(["sendDocument", "sendMessage"]);
      expect(buttons(of(settled, STAFF))).toEqual(["Открыть KZ-2026-000001"]);
      expect(to(settled, RELATIVE)).toEqual([expect.stringMatching(/^Дело KZ-2026-000001 урегулировано: заявитель и медицинская организация подписали соглашение/)]);
      expect(buttons(of(settled, RELATIVE))).toEqual(["Открыть KZ-2026-000001"]);
      // The mediator who recorded it: the news, then their home — no second keyboard of the case.
      expect(to(settled, MEDIATOR)).toEqual([expect.stringMatching(/^Дело KZ-2026-000001 урегулировано/), expect.stringMatching(/^Медиации\n/)]);
      // The applicant's button opens their case, settled.
      expect(texts(await applicant.press("KZ-2026-000001 ісін ашу"))[0]).toMatch(/KZ-2026-000001/);
      expect(texts(await relative.press("Открыть KZ-2026-000001"))[0]).toMatch(/KZ-2026-000001/);
    });
  });
});
