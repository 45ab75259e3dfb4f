// Entry point: configuration → database (migrated) → bot → polling | webhook | local console; clean stop.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { run, type RunnerHandle } from "@grammyjs/runner";
import type { Server } from "node:http";
import { DataKeyError, prepareDataAtRest } from "./at-rest.js";
import { ConfigError, loadConfig, resolveDataKey, type Config } from "./config.js";
import { databaseErrorLine } from "./db/adapters.js";
import { openDatabase, type Database } from "./db/database.js";
import { createI18n } from "./i18n.js";
import { createBot, setCommandMenus, type KelisimBot } from "./index.js";
import { CONSOLE_BOT, FakeTelegram } from "./local/fake-api.js";
import { runConsole } from "./local/console.js";
import { createLogger, type Logger } from "./logger.js";
import { createHealthServer } from "./health.js";
import { dumpPglite, serveBackupRequests } from "./ops/backup.js";
import { DataDirInUse, holdPidFile } from "./ops/running.js";
import { createWebhookServer } from "./webhook.js";
import { closePdfPool } from "./core/pdf-pool.js";
import { RENEW_LEASES_MS } from "./runtime/store.js";

const ALLOWED_UPDATES = ["message", "edited_message", "callback_query"] as const;

const main = async (): Promise<void> => {
  if (existsSync(".env")) process.loadEnvFile(".env");
  let config: Config;
  let dataKey: Buffer;
  try {
    config = loadConfig(process.env);
    dataKey = resolveDataKey(config);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.message + "\n");
      process.exit(1);
    }
    throw e;
  }
  // The embedded database is this process's alone — claimed before it is opened, so that a second `npm start`
  // on the same DATA_DIR stops here instead of writing the same files; `npm run db:backup` asks the holder
  // for a copy (SIGUSR2).
  let releasePid: () => void = () => undefined;
  if (!config.databaseUrl) {
    try {
      releasePid = holdPidFile(config.dataDir);
    } catch (e) {
      if (!(e instanceof DataDirInUse)) throw e;
      process.stderr.write(
        `Another Kelisim (process ${e.pid}) is running on ${config.dataDir}: the embedded database is one process's. Stop it first, or run several instances on PostgreSQL (README, "Several instances").\n`,
      );
      process.exit(1);
    }
  }
  // In the console the terminal is the chat: logs go to a file beside the data. Made once the data directory is
  // this process's (a log file still opening when a refused start exits would end it with a stack trace).
  const logger = createLogger(config.logLevel, config.mode === "console" ? join(config.dataDir, "kelisim.log") : undefined, { pretty: config.logPretty });
  let db: Database;
  try {
    db = await openDatabase({
      url: config.databaseUrl,
      dataDir: config.dataDir,
      ...(config.databaseSchema ? { schema: config.databaseSchema } : {}),
      timeouts: config.databaseTimeouts,
      pool: config.databasePool,
      logger,
    });
  } catch (e) {
    // PostgreSQL down, or a database that is not there: one line on stderr, as for a configuration error.
    const line = config.databaseUrl ? databaseErrorLine(e, config.databaseUrl) : null;
    if (line === null) throw e;
    process.stderr.write(line + "\n");
    releasePid();
    // Not process.exit(): the console's log file may still be opening (exiting then ends in a stack trace);
    // nothing else is left open (openDatabase closed its pool), so the process ends by itself.
    process.exitCode = 1;
    return;
  }
  const stopBackups = db.pglite
    ? serveBackupRequests(
        config.dataDir,
        (file) => dumpPglite(db.pglite!, file),
        (file, err) => (err ? logger.error({ err, file }, "backup failed") : logger.info({ file }, "backup written")),
      )
    : () => undefined;
  const closeDb = async () => {
    stopBackups();
    await db.close();
    releasePid();
  };
  try {
    const { namesSealed, summariesSealed, proposalsSealed, birthDatesSealed } = await prepareDataAtRest(db.prisma, dataKey, logger);
    if (namesSealed) logger.info({ cases: namesSealed }, "patients' names sealed at rest");
    if (summariesSealed) logger.info({ cases: summariesSealed }, "commissions' conclusion summaries sealed at rest");
    if (proposalsSealed) logger.info({ proposals: proposalsSealed }, "mediation proposals' terms and notes sealed at rest");
    if (birthDatesSealed) logger.info({ cases: birthDatesSealed }, "patients' dates of birth sealed at rest");
  } catch (e) {
    if (e instanceof DataKeyError) {
      // One line on stderr, as for a configuration error: nothing is read or written with the wrong key.
      process.stderr.write(e.message + "\n");
      await closeDb();
      process.exit(1);
    }
    throw e;
  }
  logger.info({ store: db.kind, migrated: db.migrated, mode: config.mode }, "database ready");
  const i18n = await createI18n();
  const deps = { db, i18n, logger, adminIds: config.adminIds, timeZone: config.timeZone, dataKey, staffChatId: config.staffChatId, mediationDays: config.mediationDays, retentionDays: config.retentionDays, instanceId: config.instanceId };

  if (config.mode === "console") {
    const fake = new FakeTelegram();
    // One person at a terminal, who may paste a whole walkthrough at once, and no Telegram: no limits here.
    const kb = createBot("0:console", { ...deps, userLimit: { updates: Number.MAX_SAFE_INTEGER, windowMs: 1000 }, sendLimits: null }, { botInfo: CONSOLE_BOT, transport: fake.transformer });
    await kb.runtime.start(new Date());
    await kb.runtime.flush(kb.bot.api, logger);
    const jobs = everyFewSeconds(() => kb.runtime.runJobs(new Date(), kb.bot.api, logger), logger);
    await runConsole({ bot: kb.bot, fake, i18n, input: process.stdin, output: process.stdout, idle: () => kb.runtime.idle(), adminIds: config.adminIds });
    await jobs.stop();
    await kb.runtime.idle();
    await closePdfPool();
    await closeDb();
    return;
  }

  const kb = createBot(config.botToken!, deps, { apiRoot: config.apiRoot });
  await kb.bot.init();
  // The command menus are a convenience: a failure to set them is told, not fatal.
  await setCommandMenus(kb.bot.api, i18n).catch((err: unknown) => logger.warn({ err }, "setMyCommands failed"));
  await kb.runtime.start(new Date());
  // Rows waiting in this instance's queues stay its own however long they wait: another instance's start-up
  // flush would otherwise send them a second time. From the start: the flush's rows wait in them too.
  const leases = setInterval(() => {
    void kb.runtime.renewLeases().catch((err: unknown) => logger.warn({ err }, "renewing the outbox leases failed"));
  }, RENEW_LEASES_MS);
  leases.unref();
  // Queued before the first update is read, sent while updates are answered.
  const flushing = await kb.runtime.startFlush(kb.bot.api, logger);
  if (flushing.count) {
    logger.info({ flushed: flushing.count }, "sending messages left from before a stop");
    void flushing.sent.then(
      () => logger.info({ flushed: flushing.count }, "sent messages left from before a stop"),
      (err: unknown) => logger.warn({ err }, "sending messages left from before a stop failed; kept for a later try"),
    );
  }
  const prune = setInterval(() => {
    void kb.runtime.prune(new Date()).catch((err: unknown) => logger.warn({ err }, "prune failed"));
  }, 60 * 60 * 1000);
  prune.unref();
  // Each run claims and queues; the sending goes on while the next runs claim what falls due.
  const jobs = everyFewSeconds(() => kb.runtime.runJobs(new Date(), kb.bot.api, logger, { wait: false }), logger);

  const stops: (() => Promise<void>)[] = [];
  // The clean stop, for a reason other than a signal (set below, once there is everything to stop).
  let stopFor: (reason: Record<string, unknown>) => void = () => undefined;
  // HEALTH_PORT: /healthz in every mode (webhook mode also answers it on PORT).
  if (config.healthPort !== null && !(config.mode === "webhook" && config.healthPort === config.webhook.port)) {
    const health = await listenOn(createHealthServer(db.prisma, kb.telegram), config.healthPort);
    logger.info({ port: config.healthPort }, "health server listening");
    stops.push(() => new Promise((resolve) => health.close(() => resolve())));
  }
  if (config.mode === "polling") {
    await kb.bot.api.deleteWebhook();
    const handle: RunnerHandle = run(kb.bot, { runner: { fetch: { allowed_updates: ALLOWED_UPDATES } } });
    logger.info({ username: kb.bot.botInfo.username }, "polling");
    stops.push(() => handle.stop());
    // The runner gives up on a 401 (the token revoked) or a 409 (another process reads this bot's updates: a
    // second poller, or a webhook set elsewhere): said in one line, and the same clean stop as on SIGTERM, exit 1.
    void handle.task()?.catch((err: unknown) => {
      const code = (err as { error_code?: unknown } | null)?.error_code;
      logger.fatal(
        { err, code },
        code === 409
          ? "polling stopped: another process reads this bot's updates (a second instance polling, or a webhook set); run one poller, or use webhook mode for several instances"
          : "polling stopped: Telegram refused getUpdates",
      );
      stopFor({ reason: "polling stopped" });
    });
  } else {
    const server = await listen(kb, db, config, logger);
    await kb.bot.api.setWebhook(`${config.webhook.url!.replace(/\/$/, "")}/telegram`, {
      secret_token: config.webhook.secret!,
      allowed_updates: ALLOWED_UPDATES,
    });
    stops.push(() => new Promise((resolve) => server.close(() => resolve())));
  }
  stopFor = onStop(logger, async () => {
    clearInterval(prune);
    clearInterval(leases);
    await jobs.stop();
    await kb.finish(async () => {
      for (const stop of stops) await stop();
    });
    await closePdfPool();
    await closeDb();
  });
};

/** Runs durable jobs every few seconds, one run at a time; stop() waits for the run in progress. */
const everyFewSeconds = (run: () => Promise<unknown>, logger: Logger, ms = 15_000) => {
  let current: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    current = current.then(run).catch((err: unknown) => logger.error({ err }, "jobs run failed"));
  }, ms);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await current;
    },
  };
};

const listenOn = (server: Server, port: number): Promise<Server> =>
  new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => resolve(server));
  });

const listen = (kb: KelisimBot, db: Database, config: Config, logger: Logger): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createWebhookServer(kb.bot, config.webhook.secret!, db.prisma, {}, kb.telegram);
    server.once("error", reject);
    server.listen(config.webhook.port, () => {
      logger.info({ port: config.webhook.port }, "webhook server listening");
      resolve(server);
    });
  });

/** Stops cleanly on SIGINT or SIGTERM (exit 0); the returned function stops the same way for another reason (exit 1). */
const onStop = (logger: Logger, stop: () => Promise<void>): ((reason: Record<string, unknown>) => void) => {
  let stopping = false;
  const stopNow = (why: Record<string, unknown>, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info(why, "stopping");
    stop().then(
      () => process.exit(code),
      (err: unknown) => {
        logger.error({ err }, "unclean stop");
        process.exit(1);
      },
    );
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    // `on`, not `once`: a second signal during the stop (Ctrl-C twice, an orchestrator repeating its SIGTERM)
    // must meet this handler, which ignores it, rather than Node's default, which kills the process mid-stop.
    process.on(signal, () => stopNow({ signal }, 0));
  }
  return (reason) => stopNow(reason, 1);
};

await main();
