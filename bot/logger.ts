// Structured logs (pino). One child logger per update carries its update id and chat id — never names,
// texts or other personal data.
import { pino, type Logger } from "pino";

export type { Logger };

export const createLogger = (level: string, file?: string): Logger =>
  file ? pino({ level }, pino.destination({ dest: file, mkdir: true, sync: false })) : pino({ level });
