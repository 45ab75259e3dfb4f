// Webhook mode: an HTTP server that takes Telegram's POSTs (checking the secret-token header) and
// answers /healthz with the database's state.
import { createServer, type Server } from "node:http";
import { webhookCallback, type Bot } from "grammy";
import type { BotContext } from "./context.js";
import type { Prisma } from "./db/database.js";

export const WEBHOOK_PATH = "/telegram";

export const createWebhookServer = (bot: Bot<BotContext>, secret: string, prisma: Prisma): Server => {
  // A wrong or missing X-Telegram-Bot-Api-Secret-Token is answered 401 by grammY.
  const handle = webhookCallback(bot, "http", { secretToken: secret, onTimeout: "return", timeoutMilliseconds: 55_000 });
  return createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === "/healthz") {
      prisma.$queryRaw`SELECT 1`.then(
        () => res.writeHead(200, { "content-type": "text/plain" }).end("ok"),
        () => res.writeHead(503, { "content-type": "text/plain" }).end("database unavailable"),
      );
      return;
    }
    if (req.method === "POST" && path === WEBHOOK_PATH) {
      handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    res.writeHead(404).end();
  });
};
