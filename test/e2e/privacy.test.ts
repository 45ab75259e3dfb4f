// Personal data end to end over HTTP, through the Bot API emulator (issue 15): /mydata sends its summary
// its JSON file and its PDF, in Kazakh and in Russian; withdrawing consent is explained, confirmed, and done.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDb } from "../helpers/db.js";
import { until } from "../helpers/wait.js";
import { EmulatorChat, startEmulator, startEmulatorBot, type BotMessage, type SentFile } from "../helpers/emulator.js";

const TOKEN = "4646:e2e-privacy";
let server: Awaited<ReturnType<typeof startEmulator>>;
let t: TestDb;
const files: SentFile[] = [];
let bot: Awaited<ReturnType<typeof startEmulatorBot>> | null = null;

beforeAll(async () => {
  server = await startEmulator();
  t = await testDatabase({ persistent: true });
  bot = await startEmulatorBot(server, TOKEN, t.db, { files });
});
afterAll(async () => {
  await bot?.stop();
  await server.stop();
  await t.dispose();
});

const textsOf = (ms: BotMessage[]) => ms.map((m) => m.text);
const labels = (m: BotMessage | undefined) => (m?.buttons ?? []).map((b) => b.text);

describe("personal data, end to end", () => {
  it("kk and ru: /mydata gives a summary in the user's language, the JSON of what is held and the summary as a PDF", async () => {
    for (const [id, lang, agree, starts] of [[901, "kk", "Келісемін", /^Бот сіз туралы мыналарды сақтайды:/], [902, "ru", "Согласен(на)", /^Что бот хранит о вас:/]] as const) {
      const u = new EmulatorChat(server, TOKEN, id, lang);
      await u.send("/start", 2);
      await u.press(agree, 2);
      const got = await u.send("/mydata", 1);
      expect(got[0]!.text).toMatch(starts);
      await until(() => files.some((f) => f.chatId === id && f.name === "kelisim-my-data.json"));
      const json = files.find((f) => f.chatId === id && f.name === "kelisim-my-data.json");
      expect(json).toBeDefined();
      expect(JSON.parse(json!.text)).toMatchObject({ user: { telegramId: String(id), language: lang }, cases: [] });
      // And the summary as a PDF, after the JSON.
      await until(() => files.some((f) => f.chatId === id && f.name === "kelisim-my-data.pdf"));
      const mine = files.filter((f) => f.chatId === id).map((f) => f.name);
      expect(mine).toEqual(["kelisim-my-data.json", "kelisim-my-data.pdf"]);
      expect(files.find((f) => f.chatId === id && f.name === "kelisim-my-data.pdf")!.text.startsWith("%PDF-")).toBe(true);
    }
  });

  it("ru: withdrawal is explained, confirmed, and recorded; consent can be given again", async () => {
    const u = new EmulatorChat(server, TOKEN, 903, "ru");
    await u.send("/start", 2);
    await u.press("Согласен(на)", 2);
    const status = await u.send("/privacy", 2);
    expect(labels(status[1])).toEqual(["Отозвать согласие"]);
    const asked = await u.press("Отозвать согласие", 1);
    expect(asked[0]!.text).toMatch(/^Что будет, если отозвать согласие:/);
    expect(labels(asked[0])).toEqual(["Да, отозвать", "Нет, оставить"]);
    expect(textsOf(await u.press("Да, отозвать", 2))[0]).toBe("Согласие отозвано. Черновик обращения и сохранённые для жалоб данные удалены. Дать согласие снова можно через /privacy.");
    expect((await t.db.prisma.user.findUniqueOrThrow({ where: { id: 903n } })).consentWithdrawnAt).not.toBeNull();
    const again = await u.send("/privacy", 2);
    expect(labels(again[1])).toEqual(["Согласен(на)", "Не согласен(на)"]);
  });
});
