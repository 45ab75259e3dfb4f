// Webhook mode: an HTTP server that takes Telegram's POSTs (checking the secret-token header) and
// answers /healthz with the database's state. It defends itself: a body over 1 MB is refused (413), a
// client that sends its headers or body too slowly is cut off (408), and a body that is not JSON is a
// 400 — never a 500, which would make Telegram send it again and again.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { webhookCallback, type Bot } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "./context.js";
import type { Prisma } from "./db/database.js";
import { answerHealth, HEALTH_MS, type TelegramHealth } from "./health.js";

export const WEBHOOK_PATH = "/telegram";

export interface WebhookLimits {
  /** Largest body accepted, in bytes (Telegram's updates are a few KB). */
  bodyBytes: number;
  /** How long a client may take to send its headers, and its whole request (ms). */
  headersMs: number;
  requestMs: number;
  /** How long /healthz waits for the database before answering 503 (ms). */
  healthMs: number;
}

export const WEBHOOK_LIMITS: WebhookLimits = { bodyBytes: 1024 * 1024, headersMs: 10_000, requestMs: 30_000, healthMs: HEALTH_MS };

class TooLarge extends Error {}

/** The body, up to `limit` bytes; TooLarge beyond (the rest is not read). */
const readBody = (req: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    if (Number(req.headers["content-length"] ?? 0) > limit) return reject(new TooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.pause();
        reject(new TooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
  });

/** Answers and closes the connection: what is left of a refused body is not read. */
const refuse = (res: ServerResponse, status: number) => {
  res.writeHead(status, { "content-type": "text/plain", connection: "close" }).end();
};

export const createWebhookServer = (bot: Bot<BotContext>, secret: string, prisma: Prisma, limits: Partial<WebhookLimits> = {}, telegram?: TelegramHealth): Server => {
  const l = { ...WEBHOOK_LIMITS, ...limits };
  // A wrong or missing X-Telegram-Bot-Api-Secret-Token is answered 401 by grammY.
  const handle = webhookCallback(bot, "callback", { secretToken: secret, onTimeout: "return", timeoutMilliseconds: 55_000 });
  const server = createServer(
    // Node checks the header and request timeouts this often; by default only every 30 s.
    { headersTimeout: l.headersMs, requestTimeout: l.requestMs, connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(l.headersMs / 2))) },
    (req, res) => {
      const path = (req.url ?? "").split("?")[0];
      if (req.method === "GET" && path === "/healthz") {
        return answerHealth(prisma, res, l.healthMs, telegram);
      }
      if (req.method === "POST" && path === WEBHOOK_PATH) {
        // Stopping (server.close() was called): Telegram keeps its connections open and goes on posting on a
        // busy one, which close() does not end. Refused, the update is delivered again later — to another
        // instance, or to this one after its restart — and the connection closes.
        if (!server.listening) return refuse(res, 503);
        void receive(req, res);
        return;
      }
      res.writeHead(404).end();
    },
  );
  const receive = async (req: IncomingMessage, res: ServerResponse) => {
    // An update taken before the stop is answered, and then its connection closes.
    const closing = () => {
      if (!server.listening) res.shouldKeepAlive = false;
    };
    let update: Update;
    try {
      update = JSON.parse((await readBody(req, l.bodyBytes)).toString("utf8")) as Update;
    } catch (e) {
      return refuse(res, e instanceof TooLarge ? 413 : 400);
    }
    if (typeof update !== "object" || update === null) return refuse(res, 400);
    const header = req.headers["x-telegram-bot-api-secret-token"];
    try {
      await handle(
        update,
        (json: unknown) => {
          closing();
          res.writeHead(200, { "content-type": "application/json" }).end(typeof json === "string" ? json : JSON.stringify(json));
        },
        Array.isArray(header) ? header[0] : header,
        () => void res.writeHead(401).end("secret token is wrong"),
      );
      closing();
      if (!res.headersSent) res.writeHead(200).end();
    } catch {
      closing();
      if (!res.headersSent) res.writeHead(500).end();
    }
  };
  server.headersTimeout = l.headersMs;
  server.requestTimeout = l.requestMs;
  return server;
};
