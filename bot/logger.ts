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

export const createLogger = (level: string, file?: string, opts: LoggerOptions = {}): Logger => {
  if (file) return pino({ level }, pino.destination({ dest: file, mkdir: true, sync: false }));
  if (opts.pretty) {
    const stream = prettyStream(opts.destination);
    if (stream) return pino({ level }, stream);
    const logger = pino({ level });
    logger.warn("LOG_PRETTY: pino-pretty is not installed (a development dependency); logging JSON lines");
    return logger;
  }
  return pino({ level });
};
