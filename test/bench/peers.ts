// The bench's two peers: the notice's questionnaire (the same 16 updates a user sends to Kelisim, from
// /start to Submit, with the same checks: name, IIN check digit, dates) through grammY's conversations
// plugin (which replays the conversation function on every update) and through a bare XState snapshot
// loop (restore the actor from JSON, send one event, persist it again). Neither has a database: state
// stays in memory, so they show what the flow engine itself costs. With DATABASE_URL the conversations
// plugin also runs with its state in a PostgreSQL table (pgConversationStorage): what the plugin costs once
// its state must survive a restart, as a deployed bot's must.
import { conversations, createConversation, type Conversation, type ConversationFlavor } from "@grammyjs/conversations";
import { Bot, type Context, type Transformer } from "grammy";
import type pg from "pg";
import { openPgPool } from "../../bot/db/adapters.js";
import type { Update } from "grammy/types";
import { and, assign, createActor, setup, type Snapshot } from "xstate";
import { checkCareDates, checkIin, checkName } from "../../machines/notice-rules.js";
import { CONSOLE_BOT } from "../../bot/local/fake-api.js";

/** What a bench chat was last shown: its keyboards, newest last (label → callback data, message id). */
export interface Shown {
  keyboards: { messageId: number; buttons: { text: string; callback_data: string }[] }[];
  said: number;
  /** The last text the chat was shown (a failure names it). */
  last?: string;
}

export type Kb = { text: string; callback_data: string }[][];
const kb = (...labels: string[]): Kb => labels.map((l, i) => [{ text: l, callback_data: `b${i}` }]);

/** The questionnaire: one entry per question; `buttons` for a choice, `check` for typed text. */
interface Question {
  key: string;
  text: string;
  buttons?: string[];
  check?: (input: string) => boolean;
}
const TODAY = "2026-12-02";
export const QUESTIONS: Question[] = [
  { key: "consent", text: "Согласие на обработку персональных данных…", buttons: ["Согласен(на)", "Не согласен(на)"] },
  { key: "relation", text: "Шаг 1 из 11. Кто вы пациенту?", buttons: ["Я — пациент", "Супруг(а)", "Близкий родственник", "Законный представитель"] },
  { key: "name", text: "Шаг 2 из 11. ФИО пациента", check: (s) => checkName(s).ok },
  { key: "iin", text: "Шаг 3 из 11. ИИН пациента", check: (s) => checkIin(s).ok },
  { key: "iinOk", text: "Дата рождения по ИИН: верно?", buttons: ["Да, верно", "Нет, исправить"] },
  { key: "region", text: "Шаг 4 из 11. Регион", buttons: ["г. Астана", "г. Алматы", "г. Шымкент", "Область Абай"] },
  { key: "org", text: "Шаг 5 из 11. Медицинская организация", check: (s) => s.trim().length >= 2 },
  { key: "care", text: "Шаг 6 из 11. Даты лечения", check: (s) => checkCareDates(s, TODAY, "1985-03-01").ok },
  { key: "description", text: "Шаг 7 из 11. Что произошло", check: (s) => s.trim().length >= 5 && s.length <= 3000 },
  { key: "outcome", text: "Шаг 8 из 11. Последствия", buttons: ["Смерть", "Инвалидность", "Вред здоровью", "Пока неизвестно"] },
  { key: "support", text: "Шаг 9 из 11. Знает ли служба поддержки пациента?", buttons: ["Да", "Нет", "Не знаю"] },
  { key: "files", text: "Шаг 10 из 11. Фото и PDF", buttons: ["Готово"] },
  { key: "phone", text: "Шаг 11 из 11. Телефон", check: (s) => /^\+?\d{10,12}$/.test(s.replace(/[\s()-]/g, "")) },
  { key: "review", text: "Проверьте обращение", buttons: ["Сохранить обращение", "Изменить"] },
];

export type Action = { send: string } | { press: string } | { pressIfOffered: string };

/**
 * The user's side of a notice, in Russian, as in test/helpers/notice.ts (region, then a typed organisation), for
 * Kelisim and the peers alike: a button pressed only if offered is skipped where it is not (the peers have none).
 */
export const NOTICE_SCRIPT: Action[] = [
  { send: "/start" },
  { press: "Согласен(на)" },
  { send: "/notice" },
  { press: "Я — пациент" },
  { send: "Иванов Иван Иванович" },
  { send: "850301300121" },
  { press: "Да, верно" },
  { press: "г. Шымкент" },
  { pressIfOffered: "Моей организации нет в списке" },
  { send: "Городская больница №7" },
  { send: "02.03.2026" },
  { send: "Во время лечения произошло осложнение." },
  { press: "Пока неизвестно" },
  { press: "Не знаю" },
  { press: "Готово" },
  { send: "+77010000000" },
  { press: "Сохранить обращение" },
];

// ——— a bench user's updates ———

let updateId = 1;
const from = (id: number) => ({ id, is_bot: false as const, first_name: "Bench", language_code: "ru" });
export const textUpdate = (chatId: number, text: string): Update => {
  const id = updateId++;
  const entities = text.startsWith("/") ? [{ type: "bot_command" as const, offset: 0, length: text.split(/\s/)[0]!.length }] : undefined;
  return { update_id: id, message: { message_id: id, date: 1, chat: { id: chatId, type: "private", first_name: "Bench" }, from: from(chatId), text, ...(entities ? { entities } : {}) } };
};
export const pressUpdate = (chatId: number, data: string, messageId: number): Update => {
  const id = updateId++;
  return {
    update_id: id,
    callback_query: { id: `cq${id}`, from: from(chatId), chat_instance: "ci", data, message: { message_id: messageId, date: 1, chat: { id: chatId, type: "private", first_name: "Bench" }, text: "" } },
  };
};
/** The newest button with this label a chat was shown, if any. */
export const button = (s: Shown | undefined, label: string) => {
  for (const k of [...(s?.keyboards ?? [])].reverse()) {
    const b = k.buttons.find((x) => x.text === label);
    if (b) return { data: b.callback_data, messageId: k.messageId };
  }
  return null;
};

/** A Bot API stand-in for the peers: it answers at once and tells the bench what each chat was shown. */
const recorder = (shown: Map<number, Shown>): Transformer => {
  let messageId = 1;
  return (_prev, method, payload) => {
    const p = payload as { chat_id?: number; reply_markup?: { inline_keyboard?: Kb } };
    const id = ++messageId;
    if (method === "sendMessage" && p.chat_id !== undefined) {
      const s = shown.get(p.chat_id) ?? { keyboards: [], said: 0 };
      s.said++;
      if (p.reply_markup?.inline_keyboard) s.keyboards = [...s.keyboards.slice(-3), { messageId: id, buttons: p.reply_markup.inline_keyboard.flat() }];
      shown.set(p.chat_id, s);
    }
    return Promise.resolve({ ok: true, result: method === "sendMessage" ? { message_id: id, date: 0, chat: { id: p.chat_id, type: "private" } } : true } as never);
  };
};

export interface Peer {
  name: string;
  handle(update: Update): Promise<void>;
  /** Notices the peer completed (Submit pressed with every answer valid), by chat. */
  filed: Map<number, number>;
}
const count = (m: Map<number, number>, chatId: number) => m.set(chatId, (m.get(chatId) ?? 0) + 1);

// ——— grammY's conversations plugin, its state in memory ———

type Ctx = ConversationFlavor<Context>;

/**
 * The conversations plugin's state in a PostgreSQL table, by chat: one read and one write per update (named
 * prepared statements, on the pool given), as a storage adapter for it would do. `table` exists (see below).
 */
const pgConversationStorage = (pool: pg.Pool, table: string) => ({
  type: "key" as const,
  adapter: {
    read: async (key: string) => (await pool.query<{ value: never }>({ name: `${table}_read`, text: `SELECT "value" FROM "${table}" WHERE "key" = $1`, values: [key] })).rows[0]?.value,
    write: async (key: string, value: unknown) => {
      await pool.query({ name: `${table}_write`, text: `INSERT INTO "${table}" ("key", "value") VALUES ($1, $2) ON CONFLICT ("key") DO UPDATE SET "value" = EXCLUDED."value"`, values: [key, JSON.stringify(value)] });
    },
    delete: async (key: string) => {
      await pool.query({ name: `${table}_delete`, text: `DELETE FROM "${table}" WHERE "key" = $1`, values: [key] });
    },
  },
});
export type ConversationStore = ReturnType<typeof pgConversationStorage>;

/**
 * The plugin's state in PostgreSQL: a table in `schema` (made if missing), on a pool of `size`; close() drops
 * the schema and ends the pool.
 */
export const conversationStore = async (url: string, schema: string, size = 10) => {
  const pool = openPgPool(url, schema, { size });
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await pool.query(`CREATE TABLE IF NOT EXISTS "BenchConversation" ("key" text PRIMARY KEY, "value" jsonb NOT NULL)`);
  return {
    storage: pgConversationStorage(pool, "BenchConversation"),
    close: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    },
  };
};

export const conversationsPeer = (shown: Map<number, Shown>, storage?: ConversationStore): Peer => {
  let numbers = 0;
  const filed = new Map<number, number>();
  const bot = new Bot<Ctx>("1:bench", { botInfo: CONSOLE_BOT });
  const send = recorder(shown);
  bot.api.config.use(send);
  // Each replay builds its contexts with an Api of their own: the recorder goes on them as a plugin.
  bot.use(conversations({ plugins: [(ctx, next) => (ctx.api.config.use(send), next())], ...(storage ? { storage } : {}) }));
  /** A question, asked until its answer is valid; the button's label or the text typed. */
  const ask = async (conversation: Conversation<Ctx, Context>, ctx: Context, q: Question): Promise<string> => {
    const markup = q.buttons ? { reply_markup: { inline_keyboard: kb(...q.buttons) } } : {};
    await ctx.reply(q.text, markup);
    for (;;) {
      const next = await conversation.wait();
      const data = next.callbackQuery?.data;
      if (q.buttons && data) {
        await next.answerCallbackQuery();
        await next.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } });
        const label = q.buttons[Number(data.slice(1))];
        if (label) return label;
      } else if (!q.buttons && next.message?.text !== undefined && q.check!(next.message.text)) {
        return next.message.text;
      }
      await next.reply(q.text, markup);
    }
  };
  bot.use(
    createConversation(async (conversation: Conversation<Ctx, Context>, ctx: Context) => {
      const answers: Record<string, string> = {};
      answers.consent = await ask(conversation, ctx, QUESTIONS[0]!);
      await ctx.reply("Главное меню");
      await conversation.waitForCommand("notice");
      for (const q of QUESTIONS.slice(1)) answers[q.key] = await ask(conversation, ctx, q);
      await ctx.reply(`Обращение сохранено: KZ-2026-${String(++numbers).padStart(6, "0")}`);
      count(filed, ctx.chat!.id);
    }, "notice"),
  );
  bot.command("start", (ctx) => ctx.conversation.enter("notice"));
  return { name: storage ? "conversations · PostgreSQL" : "conversations", handle: (u) => bot.handleUpdate(u), filed };
};

// ——— a bare XState snapshot loop: restore, send, persist (as JSON) ———

type Ev = { type: "text"; text: string } | { type: "press"; label: string } | { type: "command"; command: string };

const questionnaire = setup({
  types: { context: {} as { step: number; answers: Record<string, string> }, events: {} as Ev },
  guards: {
    valid: ({ context, event }) => {
      const q = QUESTIONS[context.step]!;
      return q.buttons ? event.type === "press" && q.buttons.includes(event.label) : event.type === "text" && q.check!(event.text);
    },
    last: ({ context }) => context.step === QUESTIONS.length - 1,
    consent: ({ context }) => context.step === 0,
  },
  actions: {
    store: assign(({ context, event }) => ({
      step: context.step + 1,
      answers: { ...context.answers, [QUESTIONS[context.step]!.key]: event.type === "text" ? event.text : event.type === "press" ? event.label : "" },
    })),
  },
}).createMachine({
  id: "questionnaire",
  initial: "asking",
  context: { step: 0, answers: {} },
  states: {
    asking: {
      on: {
        "*": [
          { guard: and(["valid", "last"]), actions: "store", target: "done" },
          { guard: and(["valid", "consent"]), actions: "store", target: "menu" },
          { guard: "valid", actions: "store", target: "asking", reenter: true },
        ],
      },
    },
    menu: { on: { command: { target: "asking" } } },
    done: { type: "final" },
  },
});

export const xstatePeer = (shown: Map<number, Shown>): Peer => {
  const stored = new Map<number, string>();
  const send = recorder(shown);
  let numbers = 0;
  const filed = new Map<number, number>();
  const reply = (chatId: number, text: string, buttons?: string[]) =>
    send(undefined as never, "sendMessage", { chat_id: chatId, text, ...(buttons ? { reply_markup: { inline_keyboard: kb(...buttons) } } : {}) });
  return {
    name: "bare XState",
    filed,
    handle: async (u) => {
      const chatId = u.message?.chat.id ?? u.callback_query!.from.id;
      const text = u.message?.text;
      const prior = stored.get(chatId);
      const actor = createActor(questionnaire, prior ? { snapshot: JSON.parse(prior) as Snapshot<unknown> } : {}).start();
      if (text === "/start" && !prior) {
        // Nothing to send: the first question follows below.
      } else if (text?.startsWith("/")) actor.send({ type: "command", command: text.slice(1) });
      else if (text !== undefined) actor.send({ type: "text", text });
      else {
        const data = u.callback_query!.data!;
        const pressedOn = u.callback_query!.message?.message_id;
        const keyboard = shown.get(chatId)?.keyboards.find((k) => k.messageId === pressedOn);
        const label = keyboard?.buttons.find((b) => b.callback_data === data)?.text ?? "";
        actor.send({ type: "press", label });
        await send(undefined as never, "answerCallbackQuery", { callback_query_id: u.callback_query!.id });
      }
      const snap = actor.getSnapshot();
      actor.stop();
      stored.set(chatId, JSON.stringify(actor.getPersistedSnapshot()));
      if (snap.status === "done") {
        count(filed, chatId);
        await reply(chatId, `Обращение сохранено: KZ-2026-${String(++numbers).padStart(6, "0")}`);
      } else if (snap.value === "menu") await reply(chatId, "Главное меню");
      else {
        const q = QUESTIONS[snap.context.step]!;
        await reply(chatId, q.text, q.buttons);
      }
    },
  };
};
