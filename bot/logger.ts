// Structured logs (pino). One child logger per update carries its update id and chat id — never names,
// texts or other personal data. In development (LOG_PRETTY=1 or NODE_ENV=development) the console gets
// pino-pretty's readable lines instead of JSON; pino-pretty is a development dependency, absent from a
// production install, where the logs stay JSON lines (config refuses LOG_PRETTY=1 with NODE_ENV=production).
import { createRequire } from "node:module";
import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

type Pretty = (opts: Record<string, unknown>) => DestinationStream;

/** pino-pretty's stream writing to `destination` (stdout by default), or null when it is not installed. */
const prettyStream = (destination?: NodeJS.WritableStream): DestinationStream | null => {
  let pretty: Pretty;
  try {
    // Loaded only when asked for: a production install has no development dependencies.
    pretty = createRequire(import.meta.url)("pino-pretty") as Pretty;
  } catch {
    return null;
  }
  return pretty({ translateTime: "SYS:yyyy-mm-dd HH:MM:ss.l", ignore: "pid,hostname", colorize: !destination && process.stdout.isTTY, sync: true, ...(destination ? { destination } : {}) });
};

export interface LoggerOptions {
  /** Readable lines instead of JSON (ignored when a file is given, or when pino-pretty is not installed). */
  pretty?: boolean;
  /** Where pretty lines go (tests); stdout by default. */
  destination?: NodeJS.WritableStream;
}

/**
 * A logged error as what tells what went wrong — its class, name, message, Telegram's code and description, the
 * method, the stack, its cause — and nothing else. pino's own serializer copies every property of the error:
 * a call Telegram refused (grammY's GrammyError) would carry its whole payload, the message's text with the
 * patient's name and IIN.
 */
export const serializeError = (e: unknown, depth = 0): unknown => {
  if (!(e instanceof Error)) return e;
  const o = e as Error & { code?: unknown; error_code?: unknown; description?: unknown; method?: unknown; cause?: unknown };
  const code = o.error_code ?? o.code;
  const message = prismaMessage(o) ?? o.message;
  return {
    type: o.constructor.name,
    name: o.name,
    message,
    ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
    ...(typeof o.description === "string" ? { description: o.description } : {}),
    ...(typeof o.method === "string" ? { method: o.method } : {}),
    stack: message === o.message ? o.stack : o.stack?.replace(o.message, message),
    ...(o.cause !== undefined && depth < 3 ? { cause: serializeError(o.cause, depth + 1) } : {}),
  };
};

/**
 * A Prisma client error's message without the call it quotes: «Invalid `prisma.case.create()` invocation» shows the
 * arguments as given — a notice's answers, an organisation's name. Its first line and its reason (the last) stay.
 */
const prismaMessage = (e: Error): string | null => {
  if (!/^PrismaClient/.test(e.name)) return null;
  const lines = e.message.split("\n").map((l) => l.trim()).filter(Boolean);
  if (lines.length <= 2) return null;
  return `${lines[0]} … ${lines[lines.length - 1]}`;
};

const serializers = { err: (e: unknown) => serializeError(e) };

/** `logger` with every logged `err` serialized by serializeError (a logger given from outside: tests, benches). */
export const safeLogger = (logger: Logger): Logger => logger.child({}, { serializers });

export const createLogger = (level: string, file?: string, opts: LoggerOptions = {}): Logger => {
  if (file) return pino({ level, serializers }, pino.destination({ dest: file, mkdir: true, sync: false }));
  if (opts.pretty) {
    const stream = prettyStream(opts.destination);
    if (stream) return pino({ level, serializers }, stream);
    const logger = pino({ level, serializers });
    logger.warn("LOG_PRETTY: pino-pretty is not installed (a development dependency); logging JSON lines");
    return logger;
  }
  return pino({ level, serializers });
};
