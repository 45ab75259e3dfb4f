// GET /healthz: 200 "ok" when the database answers a query within a second, 503 otherwise. The webhook
// server answers it on PORT; HEALTH_PORT serves it in every mode (polling included) for a container's or a
// load balancer's health check.
import { createServer, type Server, type ServerResponse } from "node:http";
import type { Prisma } from "./db/database.js";

export const HEALTH_PATH = "/healthz";
/** How long /healthz waits for the database before answering 503 (ms). */
export const HEALTH_MS = 1_000;

/** Resolves true when the database answers within `ms`, false when it fails or does not answer in time. */
export const databaseAnswers = (prisma: Prisma, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    prisma.$queryRaw`SELECT 1`.then(
      () => (clearTimeout(timer), resolve(true)),
      () => (clearTimeout(timer), resolve(false)),
    );
  });

export const answerHealth = (prisma: Prisma, res: ServerResponse, ms = HEALTH_MS): void =>
  void databaseAnswers(prisma, ms).then((ok) =>
    ok ? res.writeHead(200, { "content-type": "text/plain" }).end("ok") : res.writeHead(503, { "content-type": "text/plain" }).end("database unavailable"),
  );

/** A server that answers only GET /healthz (404 elsewhere). */
export const createHealthServer = (prisma: Prisma, ms = HEALTH_MS): Server =>
  createServer({ headersTimeout: 10_000, requestTimeout: 10_000 }, (req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method === "GET" && path === HEALTH_PATH) return answerHealth(prisma, res, ms);
    res.writeHead(404).end();
  });
