// README, "Several instances": two `npm start` processes in webhook mode on one PostgreSQL, behind a proxy
// that hands each update to the next instance in turn (as a load balancer would), answering through the Bot
// API emulator. PostgreSQL only (TEST_DATABASE_URL): PGlite is one process's.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator } from "../helpers/emulator.js";
import { TEST_PG_URL } from "../helpers/db.js";
import { bound } from "../helpers/time.js";
import { until } from "../helpers/wait.js";

const TOKEN = "777001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX";
const SECRET = "instances-secret-0123456789";

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
interface Shown {
  id: number;
  text: string;
  buttons: { text: string; callback_data: string }[];
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** Every message the bot sent to a chat, as the emulator keeps it (edits applied). */
const shownTo = (server: Emulator, chatId: number): Shown[] =>
  (server.getUpdatesHistory(TOKEN) as { messageId: number; message?: { chat_id?: number | string; text?: string; reply_markup?: { inline_keyboard?: Shown["buttons"][] } } }[])
    .filter((u) => u.message?.chat_id !== undefined && Number(u.message.chat_id) === chatId)
    .map((u) => ({ id: u.messageId, text: u.message!.text ?? "", buttons: (u.message!.reply_markup?.inline_keyboard ?? []).flat() }));

/** What a chat was shown, in order, without message ids (they differ between chats). */
const transcript = (server: Emulator, chatId: number): string[] => shownTo(server, chatId).map((m) => `${m.text} [${m.buttons.map((b) => b.text).join(" | ")}]`);

let updateId = 1;
const from = (id: number) => ({ id, is_bot: false, first_name: "E2E", language_code: "ru" });
const textUpdate = (chatId: number, text: string) => ({
  update_id: updateId++,
  message: {
    message_id: updateId,
    date: Math.floor(Date.now() / 1000),
    chat: { id: chatId, type: "private" },
    from: from(chatId),
    text,
    ...(text.startsWith("/") ? { entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]!.length }] } : {}),
  },
});

let server: Emulator;
let dbName: string;
let dbUrl: string;
const children: ChildProcess[] = [];
let proxy: Server | undefined;

beforeAll(async () => {
  if (!TEST_PG_URL) return;
  server = await startEmulator();
  dbName = `kelisim_instances_${process.pid}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  await admin.end();
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${dbName}`;
  dbUrl = url.toString();
});

afterAll(async () => {
  await Promise.all(children.filter((c) => c.exitCode === null).map((c) => new Promise<void>((r) => {
    c.once("exit", () => r());
    c.kill("SIGTERM");
  })));
  await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
  if (!TEST_PG_URL) return;
  await server.stop();
  const admin = new pg.Client({ connectionString: TEST_PG_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
});

/** `npm start` as a process: webhook mode, on the shared PostgreSQL, named `instance`. */
const startInstance = (instance: string, port: number, dataKey: string) => {
  const child = spawn(process.execPath, ["--import", "tsx", "bot/main.ts"], {
    env: {
      PATH: process.env.PATH,
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: server.config.apiURL,
      BOT_MODE: "webhook",
      WEBHOOK_URL: "https://kelisim.example.kz",
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
      DATABASE_URL: dbUrl,
      // In a schema of their own, as a deployment sharing its database with other applications would.
      DATABASE_SCHEMA: "kelisim",
      DATA_KEY: dataKey,
      INSTANCE_ID: instance,
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let log = "";
  child.stdout.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr.on("data", (d: Buffer) => (log += d.toString()));
  return { child, log: () => log, base: `http://127.0.0.1:${port}` };
};

/** Posts an update to a webhook as Telegram does; resolves with the status once the bot has answered it. */
const post = async (base: string, update: object): Promise<number> =>
  (await fetch(`${base}/telegram`, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET }, body: JSON.stringify(update) })).status;

describe.skipIf(!TEST_PG_URL)("several instances behind a webhook (README, \"Several instances\")", () => {
  it("two npm start processes on one PostgreSQL, each update to the next in turn: every chat's conversation as with one, each update answered once", async () => {
    const dataKey = randomBytes(32).toString("base64");
    const [pa, pb, pp] = await Promise.all([freePort(), freePort(), freePort()]);
    // Started together: the migrations are applied once, under the migrator's lock.
    const instances = [startInstance("a", pa, dataKey), startInstance("b", pb, dataKey)];
    for (const i of instances) await until(async () => (await fetch(`${i.base}/healthz`).catch(() => null))?.status === 200, 120_000, `instance ${i.base} healthy`);
    // The load balancer: each POST to the next instance in turn, whatever its chat.
    let turn = 0;
    proxy = createHttpServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const target = instances[turn++ % instances.length]!;
        fetch(`${target.base}${req.url}`, { method: req.method, headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": String(req.headers["x-telegram-bot-api-secret-token"] ?? "") }, body: Buffer.concat(chunks) }).then(
          async (r) => res.writeHead(r.status).end(await r.text()),
          () => res.writeHead(502).end(),
        );
      });
    });
    await new Promise<void>((r) => proxy!.listen(pp, "127.0.0.1", () => r()));
    const balanced = `http://127.0.0.1:${pp}`;

    /** One chat's journey: /start, consent, /notice, who they are, the name, the IIN, the birth date confirmed. */
    const journey = async (chatId: number, via: (update: object) => Promise<number>) => {
      const press = async (label: string) => {
        const msg = [...shownTo(server, chatId)].reverse().find((m) => m.buttons.some((b) => b.text === label));
        if (!msg) throw new Error(`chat ${chatId}: no button "${label}" in ${JSON.stringify(transcript(server, chatId))}`);
        const data = msg.buttons.find((b) => b.text === label)!.callback_data;
        const id = updateId++;
        return via({ update_id: id, callback_query: { id: String(id), from: from(chatId), chat_instance: String(chatId), data, message: { message_id: msg.id, date: 1, chat: { id: chatId, type: "private" }, text: msg.text } } });
      };
      const statuses = [
        await via(textUpdate(chatId, "/start")),
        await press("Согласен(на)"),
        await via(textUpdate(chatId, "/notice")),
        await press("Я — пациент"),
        await via(textUpdate(chatId, "Иванов Иван Иванович")),
        await via(textUpdate(chatId, "850301300121")),
        await press("Да, верно"),
      ];
      expect(statuses, `chat ${chatId}`).toEqual(Array(7).fill(200));
    };

    // The reference: one chat through instance a alone.
    await journey(9100, (u) => post(instances[0]!.base, u));
    const reference = transcript(server, 9100);
    expect(reference.length).toBeGreaterThanOrEqual(7);
    expect(reference[0]).toMatch(/^Здравствуйте!/);

    // Six chats at once through the balancer: a chat's consecutive updates go to either instance.
    const chats = [9101, 9102, 9103, 9104, 9105, 9106];
    await Promise.all(chats.map((id) => journey(id, (u) => post(balanced, u))));
    // And one update given to both at once, as a redelivery after a timeout would: answered once.
    const again = textUpdate(9101, "/help");
    expect(await Promise.all([post(instances[0]!.base, again), post(instances[1]!.base, again)])).toEqual([200, 200]);

    for (const id of chats) expect(transcript(server, id).slice(0, reference.length), `chat ${id}`).toEqual(reference);
    for (const id of chats.slice(1)) expect(transcript(server, id), `chat ${id}`).toHaveLength(reference.length);
    // /help's answer, once.
    const help = transcript(server, 9101).slice(reference.length);
    expect(help.length).toBeGreaterThan(0);
    expect(new Set(help).size).toBe(help.length);
    // Both instances did the work, and nothing is left unsent.
    for (const i of instances) expect(i.log(), i.base).toContain('"msg":"update handled"');
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "kelisim"."Outbox" WHERE "sentAt" IS NULL AND "method" = 'sendMessage'`);
      expect(Number(rows[0]!.n)).toBe(0);
      // Every table in that schema, none in public.
      const { rows: tables } = await db.query<{ schemaname: string }>(`SELECT DISTINCT schemaname FROM pg_tables WHERE tablename IN ('Outbox', 'ChatState', '_prisma_migrations')`);
      expect(tables.map((t) => t.schemaname)).toEqual(["kelisim"]);
    } finally {
      await db.end();
    }
  }, bound(240_000));
});
