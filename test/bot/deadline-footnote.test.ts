// Staff's /inbox and the applicant's /cases: a deadline counted on a year's calendar not yet checked against the
// Government's decree carried, under every such case, the same ~220-character caveat — ten copies on one page for
// cases received in the last days of December. Each such deadline is now marked «*», and the caveat comes once, at
// the message's end. Each test failed on the code before the fix.
import { describe, expect, it } from "vitest";
import { texts, type Harness, type TestUser } from "../helpers/bot.js";
import { fileNotice, handIn } from "../helpers/notice.js";
import { joinStaff } from "../helpers/staff.js";
import { withBot } from "../helpers/world.js";

const ADMIN = 9001;
const KK_ORG = "Облыстық аурухана";
const NOTE = {
  ru: "* Срок посчитан по календарю 2027 года, известному на сегодня: если Правительство утвердит переносы выходных дней или уточнятся даты праздников, он может измениться — тогда бот сообщит новый срок.",
  kk: "* Мерзім 2027 жылғы күнтізбенің бүгін белгілі нұсқасы бойынша есептелді: Үкімет демалыс күндерін ауыстыруды бекітсе немесе мереке күндері нақтыланса, ол өзгеруі мүмкін — онда бот жаңа мерзімді хабарлайды.",
};
const NOTE_START = { ru: "Срок посчитан по календарю", kk: "жылғы күнтізбенің бүгін белгілі нұсқасы" };
const count = (text: string, part: string) => text.split(part).length - 1;

/** Two organisations of Shymkent, one with staff reading Russian, one Kazakh; `n` cases each, handed in today by their applicants. */
const twoOrganisations = async (h: Harness, n: number, handInToo = true) => {
  const ru = await joinStaff(h, ADMIN, 50, "ru");
  const kk = await joinStaff(h, ADMIN, 51, "kk", KK_ORG);
  const applicants: TestUser[] = [];
  for (let i = 0; i < n; i++) {
    const a = h.user(100 + i, "ru");
    await fileNotice(a, "ru");
    if (handInToo) await handIn(a, "ru");
    const b = h.user(200 + i, "kk");
    await fileNotice(b, "kk", { org: KK_ORG });
    if (handInToo) await handIn(b, "kk");
    applicants.push(a, b);
  }
  return { ru, kk, applicants };
};

describe("a list with several deadlines counted on 2027's calendar", () => {
  it("staff's /inbox marks each with «*» and says the caveat once, at the end (ru and kk)", async () => {
    await withBot([ADMIN], "2026-12-30T11:00:00+05:00", async ({ h }) => {
      const { ru, kk } = await twoOrganisations(h, 3); // handed in 30.12.2026: 31.12, 05.01, 06.01.2027 are working days 1–3
      await fileNotice(h.user(300, "ru"), "ru"); // saved, not handed in: no deadline yet
      const [inboxRu] = texts(await ru.send("/inbox"));
      expect(count(inboxRu!, "Срок: до конца дня 06.01.2027 (осталось 3 рабочих дня).*")).toBe(3);
      expect(count(inboxRu!, NOTE_START.ru)).toBe(1);
      expect(inboxRu!.endsWith(`\n\n${NOTE.ru}`)).toBe(true);
      expect(count(inboxRu!, "*")).toBe(4);
      const [inboxKk] = texts(await kk.send("/inbox"));
      expect(count(inboxKk!, "Мерзімі: 06.01.2027 күнінің соңына дейін (3 жұмыс күні қалды).*")).toBe(3);
      expect(count(inboxKk!, NOTE_START.kk)).toBe(1);
      expect(inboxKk!.endsWith(`\n\n${NOTE.kk}`)).toBe(true);
    });
  });

  it("a deadline already passed is marked «**», with its own caveat once, after the one of deadlines still running", async () => {
    await withBot([ADMIN], "2026-12-30T11:00:00+05:00", async ({ h, at }) => {
      const ru = await joinStaff(h, ADMIN, 50, "ru");
      const early = h.user(100, "ru");
      await fileNotice(early, "ru");
      await handIn(early, "ru"); // due 06.01.2027
      at("2027-01-07T10:00:00+05:00");
      for (const id of [101, 102]) {
        const a = h.user(id, "ru");
        await fileNotice(a, "ru");
        await handIn(a, "ru"); // received 07.01.2027: due 12.01.2027
      }
      const [inbox] = texts(await ru.send("/inbox"));
      expect(count(inbox!, "Срок: до конца дня 12.01.2027 (осталось 3 рабочих дня).*")).toBe(2);
      expect(inbox).toContain("Срок истёк 06.01.2027.**");
      expect(
        inbox!.endsWith(
          `\n\n${NOTE.ru}\n\n** Срок посчитан по календарю 2027 года, известному на сегодня: если Правительство утвердит переносы выходных дней или уточнятся даты праздников, фактический срок мог оказаться другим.`,
        ),
      ).toBe(true);
    });
  });

  it("the applicant's /cases, with the cases of two organisations, does the same (kk)", async () => {
    await withBot([ADMIN], "2026-12-30T11:00:00+05:00", async ({ h }) => {
      await joinStaff(h, ADMIN, 50, "ru");
      await joinStaff(h, ADMIN, 51, "kk", KK_ORG);
      const u = h.user(100, "kk");
      await fileNotice(u, "kk");
      await handIn(u, "kk");
      await fileNotice(u, "kk", { org: KK_ORG });
      await handIn(u, "kk");
      const [list] = texts(await u.send("/cases"));
      expect(count(list!, "Мерзімі: 06.01.2027 күнінің соңына дейін (3 жұмыс күні қалды).*")).toBe(2);
      expect(count(list!, NOTE_START.kk)).toBe(1);
      expect(list!.endsWith(`\n\n${NOTE.kk}`)).toBe(true);
    });
  });
});

describe("a list with no deadline on an unchecked calendar", () => {
  it("has no mark and no caveat (ru and kk)", async () => {
    await withBot([ADMIN], "2026-11-23T10:00:00+05:00", async ({ h }) => {
      const { ru, kk, applicants } = await twoOrganisations(h, 2); // due 26.11.2026
      const [inboxRu] = texts(await ru.send("/inbox"));
      expect(count(inboxRu!, "Срок: до конца дня 26.11.2026 (осталось 3 рабочих дня).\n")).toBe(1);
      expect(inboxRu!.endsWith("Срок: до конца дня 26.11.2026 (осталось 3 рабочих дня).")).toBe(true);
      const [inboxKk] = texts(await kk.send("/inbox"));
      expect(count(inboxKk!, "Мерзімі: 26.11.2026 күнінің соңына дейін (3 жұмыс күні қалды).")).toBe(2);
      const [listKk] = texts(await applicants[1]!.send("/cases"));
      for (const text of [inboxRu!, inboxKk!, listKk!]) {
        expect(text).not.toContain("*");
        expect(text).not.toContain(NOTE_START.ru);
        expect(text).not.toContain(NOTE_START.kk);
      }
    });
  });
});
