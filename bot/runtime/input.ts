// From a Telegram update to the router's Input. Only private chats are served.
import type { Update } from "grammy/types";
import type { Input } from "../../machines/chat.js";
import type { MediaKind } from "../../machines/flow.js";

export interface Incoming {
  chatId: number;
  userId: number;
  telegramLanguage: string | null;
  input: Input;
  /** For a pressed button: the query to answer and the message whose keyboard is spent. */
  callback?: { id: string; messageId: number | null };
}

const MEDIA: [keyof NonNullable<Update["message"]>, MediaKind][] = [
  ["sticker", "sticker"],
  ["voice", "voice"],
  ["video_note", "video"],
  ["video", "video"],
  ["audio", "audio"],
  ["contact", "contact"],
  ["location", "location"],
];

export const toIncoming = (u: Update): Incoming | null => {
  if (u.message) {
    const m = u.message;
    if (m.chat.type !== "private" || !m.from) return null;
    const base = { chatId: m.chat.id, userId: m.from.id, telegramLanguage: m.from.language_code ?? null };
    if (m.text !== undefined) {
      const cmd = /^\/([A-Za-z0-9_]{1,32})(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(m.text.trim());
      if (cmd) return { ...base, input: { kind: "command", command: cmd[1]!.toLowerCase(), payload: (cmd[2] ?? "").trim() } };
      return { ...base, input: { kind: "text", text: m.text } };
    }
    // Files sent together (an album) arrive one update each, with the same media_group_id.
    const group = m.media_group_id ? { group: m.media_group_id } : {};
    // Text sent with the file: taken only by a question that takes it with the file (a mediation's message); kept
    // nowhere else, and the person is told so (machines/chat.ts).
    const captioned = m.caption?.trim() ? { caption: m.caption.trim() } : {};
    if (m.photo?.length) {
      // Telegram sends each photo in several sizes, smallest first: keep the largest.
      const p = m.photo[m.photo.length - 1]!;
      return { ...base, input: { kind: "file", file: { kind: "photo", fileId: p.file_id, fileUniqueId: p.file_unique_id, mime: "image/jpeg", messageId: m.message_id }, ...group, ...captioned } };
    }
    if (m.document) {
      const d = m.document;
      return { ...base, input: { kind: "file", file: { kind: "document", fileId: d.file_id, fileUniqueId: d.file_unique_id, mime: d.mime_type ?? null, messageId: m.message_id }, ...group, ...captioned } };
    }
    if (m.contact) return { ...base, input: { kind: "contact", phone: m.contact.phone_number, userId: m.contact.user_id ?? null } };
    const kind = MEDIA.find(([field]) => m[field] !== undefined)?.[1] ?? "other";
    // A video in an album of photos comes with the album's media_group_id too.
    return { ...base, input: { kind: "media", media: kind, ...group } };
  }
  if (u.edited_message) {
    // Only that a sent message was changed: the changed text is read nowhere (machines/chat.ts says so).
    const m = u.edited_message;
    // A live location comes as an edit of its message at each move, for hours: not something the person changed.
    if (m.chat.type !== "private" || !m.from || m.location) return null;
    return { chatId: m.chat.id, userId: m.from.id, telegramLanguage: m.from.language_code ?? null, input: { kind: "edited" } };
  }
  if (u.callback_query) {
    const q = u.callback_query;
    const msg = q.message;
    if (!msg || msg.chat.type !== "private") return null;
    return {
      chatId: msg.chat.id,
      userId: q.from.id,
      telegramLanguage: q.from.language_code ?? null,
      input: { kind: "button", data: q.data ?? "" },
      callback: { id: q.id, messageId: msg.message_id },
    };
  }
  return null;
};
