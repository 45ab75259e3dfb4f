// `npm start` with no token: the local console on a fresh data directory, as a newcomer meets it.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "kelisim-console-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the entry point with these lines typed, one after another; returns what the terminal showed. */
const runConsole = (lines: string[], env: Record<string, string> = {}, dataDir = dir) =>
  new Promise<{ out: string; code: number | null }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bot/main.ts"], {
      // Empty values shadow a developer's .env: this must be the console on PGlite whatever is configured.
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, BOT_TOKEN: "", DATABASE_URL: "", DATA_KEY: "", ADMIN_IDS: "", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ out, code }));
    child.stdin.end(lines.map((l) => l + "\n").join(""));
  });

describe("the local console", () => {
  it("opens on the embedded database and answers /start; a number presses a button", async () => {
    const { out, code } = await runConsole(["/start", "2", "9", "1"]);
    expect(code).toBe(0);
    expect(out).toContain("«Келісім» — жергілікті консоль.");
    // Started without ADMIN_IDS: the intro says how to start again as the admin, in both languages.
    expect(out).toContain("Сіз — 100001 пайдаланушысыз. Әкімші болу үшін консольден шығып (:quit), оны мына командамен қайта іске қосыңыз: ADMIN_IDS=100001 npm start. Telegram-дағыдай жазыңыз;");
    expect(out).toContain("Вы — пользователь 100001. Чтобы стать администратором, выйдите (:quit) и запустите консоль заново командой: ADMIN_IDS=100001 npm start. Пишите как в Telegram;");
    expect(out).toContain("Тілді таңдаңыз:\n\nВыберите язык:\n[1] Қазақша   [2] Русский");
    expect(out).toContain("Хорошо, теперь говорим по-русски.");
    // The chat's command menu, set with the language: shown as Telegram's «/» button would list it.
    expect(out).toContain("☰ /start /menu /notice /cases /explain /help /language /privacy /mydata /cancel\n");
    expect(out).toContain("[1] Согласен(на)   [2] Не согласен(на)");
    expect(out).toContain("Кнопки с номером 9 нет.");
    expect(out).toContain("Спасибо. Ваше согласие записано.");
    expect(existsSync(join(dir, "pglite"))).toBe(true);
    expect(existsSync(join(dir, "data.key"))).toBe(true);
  });

  it("files a whole notice, with :photo, :pdf and :contact", async () => {
    const { out, code } = await runConsole([
      ":user 3003 ru", "/start", "1", "/notice", "1", "Иванова Анна Сергеевна", "850301300121", "1", "19", "Городская поликлиника №3",
      "01.11.2026", "После процедуры появилось осложнение.", "7", "3", ":photo", ":pdf", "1", ":contact", "12",
    ]);
    expect(code).toBe(0);
    expect(out).toContain("Добавлено файлов: 1. Всего: 2 из 20. Пришлите ещё или нажмите «Готово».");
    // The share-contact button, which Telegram shows under the input field, is shown with what presses it here.
    expect(out).toContain("Чтобы поделиться номером, нажмите кнопку ниже.\n[:contact] Отправить мой номер");
    expect(out).toContain("Телефон получен.");
    expect(out).toMatch(/Обращение сохранено\. Номер дела: KZ-\d{4}-\d{6}\./);
    expect(out).toContain("[1] Я передал(а) обращение");
    expect(out).toMatch(/📄 KZ-\d{4}-\d{6}\.pdf — Обращение KZ-\d{4}-\d{6} — для передачи в медицинскую организацию\./);
  });

  it("plays the README's whole case with four people (and an admin), line for line", async () => {
    const readme = readFileSync("README.md", "utf8");
    const block = /<!-- walkthrough -->\n```text\n([\s\S]*?)```/.exec(readme)![1]!;
    const fresh = mkdtempSync(join(tmpdir(), "kelisim-walkthrough-"));
    try {
      // The block goes in as it is: the console reads its comments as comments.
      const { out, code } = await runConsole(block.split("\n"), { ADMIN_IDS: "100001" }, fresh);
      expect(code).toBe(0);
      expect(out).toContain("Вы — пользователь 100001. Вы администратор (ваш id есть в ADMIN_IDS): начните с /admin.");
      // Each role's command menu, as the bot sets it: the admin's with /admin, staff's and the mediator's with /inbox.
      expect(out).toContain("☰ /start /menu /notice /cases /explain /help /language /privacy /mydata /cancel /admin\n");
      expect(out).toContain("☰ /start /menu /notice /cases /explain /help /language /privacy /mydata /cancel /inbox\n");
      // Every line landed: no button number missed, nothing misunderstood.
      expect(out).not.toMatch(/Кнопки с номером|Извините, я этого не понял|Эта кнопка устарела|Такое дело не найдено/);
      for (const step of [
        "Администратор: Жумабаев Арман Серикович",
        "Ахметова Сауле Маратовна, вы зарегистрированы как сотрудник организации «Городская больница №7».",
        "Сапарова Динара Ерлановна, вы зарегистрированы как медиатор.",
        "Записано: обращение KZ-",
        "присоединился человек: Сейтова Асель Нурлановна (супруг(а) пациента)",
        "Записано: комиссия по делу KZ-",
        "заседание независимой экспертной комиссии",
        ": Сейтова Асель Нурлановна, супруг(а) пациента — подключится онлайн.",
        "обе стороны согласились с договором о медиации",
        "⚠ Предложенная сумма меньше этого минимума.",
      ]) expect(out).toContain(step);
      expect(out).toMatch(/урегулировано: подписанное соглашение на 500\s000\s₸ приложено\./); // a no-break space in the amount
      expect(out).toMatch(/Обращение сохранено\. Номер дела: KZ-\d{4}-000001\./);
      expect(out.trimEnd()).toMatch(/Статус: урегулировано\n\[1\] Открыть KZ-\d{4}-000001$/);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it("an answer with two keyboards numbers them on, one after the other: each number presses what it stands beside", async () => {
    // Before: every keyboard was numbered from [1] and a number pressed the last one's — after a saved notice, «[1] Я
    // передал(а) обращение» and the home's «[1] Подать обращение» stood one above the other, and 1 began a new notice.
    const fresh = mkdtempSync(join(tmpdir(), "kelisim-numbers-"));
    try {
      const admin = ["/start", "2", "/admin", "Жумабаев Арман Серикович", "Специалист управления здравоохранения", "1"];
      // The organisation registered: «[1] Пригласить: …» on its message, the admin's home under it from [2].
      const { out, code } = await runConsole([...admin, "1", "Городская больница №7", "1", "8", "1"], { ADMIN_IDS: "100001" }, fresh);
      expect(code).toBe(0);
      expect(out).toContain("[1] Пригласить: Городская больница №7\n");
      expect(out).toContain("\n[2] Зарегистрировать организацию\n");
      // 1 pressed the invitation beside it: a staff link, not the home's first button (a new organisation's name asked).
      expect(out).toMatch(/\?start=[A-Za-z0-9_-]{32}/);
      expect(out.split("Организация зарегистрирована")[1]).not.toContain("Напишите название медицинской организации");
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it("played again after someone else, a user is shown which buttons a number presses now — their last answer's, each under its message — not a bare earlier keyboard as if current", async () => {
    // Before: back to the admin, a bare «[1] Отозвать приглашение» under «Новых сообщений нет», of no message one could
    // see; and back to staff whose role was revoked meanwhile, the message saying so (without buttons) and no keyboard —
    // yet 1 still pressed «Дела организации» of the home shown long before, as if it were the current one.
    const fresh = mkdtempSync(join(tmpdir(), "kelisim-users-"));
    try {
      const admin = ["/start", "2", "/admin", "Жумабаев Арман Серикович", "Специалист управления здравоохранения", "1", "1", "Городская больница №7", "1", "8", "1"];
      const staff = [":user 200 ru", ":open", "Ахметова Сауле Маратовна", "Секретарь комиссии", "1"];
      // Back to the admin, who revokes the staff role (Роли → Отозвать → Отозвать); then staff again.
      const { out, code } = await runConsole([...admin, ...staff, ":user 100001", "/admin", "4", "1", "1", ":user 200 ru"], { ADMIN_IDS: "100001" }, fresh);
      expect(code).toBe(0);
      const [, , backToAdmin, backToStaff] = out.split(/Теперь вы — пользователь \d+ \(язык приложения: [^)]+\)\.\n/);
      expect(backToAdmin).toContain(
        "Новых сообщений для 100001 нет.\n\n" +
          "Нөмір арқылы бот 100001 пайдаланушысына жіберген, батырмалары бар соңғы жауаптың батырмаларын ғана басуға болады, бұрынғыларын — жоқ. Міне, олар, әрқайсысы өз хабарының соңғы жолының астында:\n\n" +
          "Номером можно нажать только кнопки последнего ответа с кнопками, который бот отправил пользователю 100001; более ранние — нет. Вот они, каждая под последней строкой своего сообщения:\n\n" +
          "«Перешлите сообщение со ссылкой выше тому, кого приглашаете. Если ссылка попала не туда, отзовите пр…»\n[1] Отозвать приглашение\n",
      );
      expect(backToStaff).toContain(
        "В боте «Келісім» вы больше не значитесь сотрудником организации «Городская больница №7»: администратор отозвал вашу роль. Дела организации вам больше не доступны. Спасибо за вашу работу. Если это ошибка, обратитесь к администратору.\n\n" +
          "☰ /start /menu /notice /cases /explain /help /language /privacy /mydata /cancel\n\n" +
          "Нөмір арқылы бот 200 пайдаланушысына жіберген, батырмалары бар соңғы жауаптың батырмаларын ғана басуға болады, бұрынғыларын — жоқ. Міне, олар, әрқайсысы өз хабарының соңғы жолының астында:\n\n" +
          "Номером можно нажать только кнопки последнего ответа с кнопками, который бот отправил пользователю 200; более ранние — нет. Вот они, каждая под последней строкой своего сообщения:\n\n" +
          "«Заседания комиссии на 7 дней вперёд: 0»\n[1] Дела организации\n",
      );
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it("restarted in the middle of a notice, a typed number says the buttons shown before are gone and how to go on; /start offers the notice again", async () => {
    const fresh = mkdtempSync(join(tmpdir(), "kelisim-restart-"));
    try {
      await runConsole([":user 4004 ru", "/start", "1", "/notice", "2", "1", "Иванова Анна Сергеевна"], {}, fresh);
      const { out, code } = await runConsole([":user 4004 ru", "1", "/start", "1"], {}, fresh);
      expect(code).toBe(0);
      expect(out).toContain("Нажать нечего: кнопки, показанные до этого запуска консоли, она не помнит (всё, что вы сделали, сохранено). Чтобы продолжить, напишите /start.");
      expect(out).not.toContain("Кнопки с номером 1 нет.");
      expect(out).toContain("У вас есть незаконченное обращение. Продолжить его или удалить?");
      expect(out).toContain("3/11 · Напишите ИИН пациента (12 цифр).");
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it("refuses to start with another DATA_KEY than the data was sealed with (one line, exit 1); with the right key it keeps the user across restarts and plays another user on :user", async () => {
    const { out, code } = await runConsole(["/start"], { DATA_KEY: randomBytes(32).toString("base64") });
    expect(code).toBe(1);
    expect(out).toBe("Data key error: DATA_KEY is not the key this database's data was sealed with; start with the key the data was created with (keep it with the backups)\n");
    // The right key still opens everything: the first test's user is back, and :user plays someone else.
    const again = await runConsole(["/start", ":user 2002 kk", "/start"], { DATA_KEY: readFileSync(join(dir, "data.key"), "utf8").trim() });
    expect(again.code).toBe(0);
    expect(again.out).toContain("С возвращением!");
    expect(again.out).toContain("Енді сіз — 2002 пайдаланушысыз (қосымшаның тілі: kk).");
    expect(again.out).toContain("Сәлеметсіз бе! Мен — «Келісім» боты.");
  });
});
