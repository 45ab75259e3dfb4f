// `npm run texts`: every text a case goes through, in Kazakh and in Russian, into one readable file per
// language (TEXTS_DIR, default data/texts — not committed). The real bot on an in-memory PGlite database, driven as people
// would drive it — an admin, staff, an applicant and a mediator, all in one language — with the Bot API
// replaced by the recorder; what each of them was sent is written down with its buttons and documents.
// Buttons are pressed by their locale keys, so one journey serves both languages.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Call } from "../../bot/local/fake-api.js";
import { pdfText, type PdfContent } from "../../bot/core/documents.js";
import { complaintContent, complaintLines, detailsOf } from "../../bot/features/escalation/escalation.js";
import { agreementContent, contractContent } from "../../bot/features/mediation/agreement.js";
import { loadNoticeDocument, noticeContent } from "../../bot/features/notice/document.js";
import type { Lang } from "../../machines/effects.js";
import { TEST_DATA_KEY, testBot, type Harness, type TestUser } from "../helpers/bot.js";
import { testDatabase } from "../helpers/db.js";

const NOW = new Date("2026-11-23T10:00:00+05:00"); // a Monday
const IDS = { admin: 9001, staff: 50, applicant: 51, mediator: 70 } as const;
type Who = keyof typeof IDS;

/** What differs between the two journeys: what people type. Buttons come from the locales. */
const TYPED = {
  kk: {
    admin: "Жұмабаев Арман Серікұлы",
    adminTitle: "Денсаулық сақтау басқармасының маманы",
    orgKk: "№7 қалалық аурухана",
    orgRu: "Городская больница №7",
    staff: "Ахметова Сәуле Маратқызы",
    staffTitle: "Комиссия хатшысы",
    mediator: "Сапарова Динара Ерланқызы",
    mediatorTitle: "Медиаторлар тізілімі № 123, Медиаторлар палатасы",
    patient: "Серіков Нұрлан Әсетұлы",
    description: "Операциядан кейін асқыну басталды, бұл туралы бізге алдын ала ескертілмеді.",
    address: "Абай даңғылы, 10-үй, 5-кабинет",
    summary: "Комиссия медициналық көмектің тиісінше көрсетілмегенін және зиянның келтірілгенін растады.",
    terms: "Төлем келісімге қол қойылғаннан кейін 15 жұмыс күні ішінде жасалады.",
    message: "Біз толық өтемақы сұраймыз.",
    surname: "Серікова",
    name: "Әсел",
    patronymic: "Нұрланқызы",
    postal: "160011, Шымкент қ., Байтұрсынов к-сі, 5-үй, 12-пәтер",
  },
  ru: {
    admin: "Жумабаев Арман Серикович",
    adminTitle: "Специалист управления здравоохранения",
    orgKk: "№7 қалалық аурухана",
    orgRu: "Городская больница №7",
    staff: "Ахметова Сауле Маратовна",
    staffTitle: "Секретарь комиссии",
    mediator: "Сапарова Динара Ерлановна",
    mediatorTitle: "Реестр медиаторов № 123, Палата медиаторов",
    patient: "Сериков Нурлан Асетович",
    description: "После операции началось осложнение, о котором нас заранее не предупредили.",
    address: "пр. Абая, д. 10, каб. 5",
    summary: "Комиссия подтвердила ненадлежащее оказание медицинской помощи и причинение вреда.",
    terms: "Выплата в течение 15 рабочих дней после подписания соглашения.",
    message: "Мы просим полного возмещения.",
    surname: "Серикова",
    name: "Асель",
    patronymic: "Нурлановна",
    postal: "160011, г. Шымкент, ул. Байтурсынова, д. 5, кв. 12",
  },
} satisfies Record<Lang, Record<string, string>>;
/** The file's own headings (a reviewer's aid, not the bot's texts: those all come from the locales). */
const HEAD: Record<Lang, { title: string; intro: string; edited: string; document: string; who: Record<Who, string>; sections: Record<string, string> }> = {
  kk: {
    title: "«Келісім» мәтіндері — қазақ тілі",
    intro: "`npm run texts` жасаған файл: нақты бот, жадтағы PGlite дерекқоры; әр адам не алғаны батырмаларымен бірге жазылған.",
    edited: "өзгертілген хабар",
    document: "Құжат",
    who: { admin: "Әкімші", staff: "Ұйым қызметкері", applicant: "Өтініш беруші", mediator: "Медиатор" },
    sections: { admin: "Ұйым, қызметкер және медиатор", notice: "Өтініш", explainer: "Оқыс оқиға ма, «дәрігердің қателігі» ме?", sitting: "Өтініштің алынуы, комиссия және оның отырысы", mediation: "Медиация: шарт, хабар, ұсыныс", complaint: "Шағымның жобасы", conclusion: "Комиссияның қорытындысы" },
  },
  ru: {
    title: "Тексты «Келісім» — русский язык",
    intro: "Файл создан командой `npm run texts`: настоящий бот, база PGlite в памяти; записано, что получил каждый участник, вместе с кнопками.",
    edited: "изменённое сообщение",
    document: "Документ",
    who: { admin: "Администратор", staff: "Сотрудник организации", applicant: "Заявитель", mediator: "Медиатор" },
    sections: { admin: "Организация, сотрудник и медиатор", notice: "Обращение", explainer: "Инцидент или «врачебная ошибка»?", sitting: "Получение обращения, комиссия и её заседание", mediation: "Медиация: договор, сообщение, предложение", complaint: "Проект жалобы", conclusion: "Заключение комиссии" },
  },
};
const IIN_PATIENT = "850301300121";
const IIN_APPLICANT = "900415400127";

const journey = async (lang: Lang): Promise<string> => {
  const db = await testDatabase();
  const h: Harness = await testBot(db.db, { adminIds: [IDS.admin], now: () => NOW });
  const t = h.i18n.t(lang);
  const T = TYPED[lang];
  const H = HEAD[lang];
  const names = new Map<number, string>(Object.entries(IDS).map(([who, id]) => [id, H.who[who as Who]]));
  const users = Object.fromEntries(Object.entries(IDS).map(([who, id]) => [who, h.user(id, lang)])) as Record<Who, TestUser>;
  const out: string[] = [`# ${H.title}`, "", H.intro, ""];

  /** Invite tokens are random: masked, so that the files change only when the texts do. */
  const mask = (s: string) => s.replace(/(start=|\/start )[A-Za-z0-9_-]{16,}/g, "$1…");
  /** Writes down what each person was sent in answer to one action. */
  const record = (who: Who, did: string, calls: Call[]) => {
    out.push(`### ${names.get(IDS[who])}: ${mask(did)}`, "");
    for (const c of calls) {
      const to = names.get(Number(c.payload.chat_id)) ?? String(c.payload.chat_id);
      if (c.method === "sendMessage" || c.method === "editMessageText") {
        const text = mask(String(c.payload.text)).split("\n").map((l) => `> ${l}`).join("\n");
        out.push(`**→ ${to}**${c.method === "editMessageText" ? ` (${H.edited})` : ""}`, "", text);
        const markup = c.payload.reply_markup as { inline_keyboard?: { text: string }[][]; keyboard?: { text: string }[][] } | undefined;
        const rows = markup?.inline_keyboard ?? markup?.keyboard;
        if (rows?.length) out.push("", rows.map((row) => row.map((b) => `[${b.text}]`).join(" ")).join("  \n"));
        out.push("");
      } else if (c.method === "sendDocument") {
        out.push(`**→ ${to}** 📎 ${c.file?.filename ?? ""}${typeof c.payload.caption === "string" ? ` — ${c.payload.caption}` : ""}`, "");
      }
    }
  };
  const send = async (who: Who, text: string) => record(who, `«${text}»`, await users[who].send(text));
  const press = async (who: Who, label: string) => record(who, `[${label}]`, await users[who].press(label));
  const key = (who: Who, k: string, params?: Record<string, unknown>) => press(who, t(k, params));
  const section = (k: string) => out.push(`## ${H.sections[k]}`, "");
  const linkIn = (calls: Call[]) => /start=([A-Za-z0-9_-]+)/.exec(calls.map((c) => (typeof c.payload.text === "string" ? c.payload.text : "")).join("\n"))![1]!;
  const number = "KZ-2026-000001";
  const env = { prisma: db.db.prisma, i18n: h.i18n, timeZone: "Asia/Almaty", dataKey: TEST_DATA_KEY, mediationDays: 30, now: () => NOW };
  /** A document as its PDF reads, line by line. */
  const showDocument = (what: string, content: PdfContent) => out.push(`### ${H.document}: ${what}`, "", "```text", pdfText(content), "```", "");

  section("admin");
  await send("admin", "/start");
  await send("admin", "/admin");
  await send("admin", T.admin);
  await send("admin", T.adminTitle);
  await key("admin", "roles.accept");
  await key("admin", "admin.addOrg");
  await send("admin", T.orgKk);
  await send("admin", T.orgRu);
  const region = { kk: "Шымкент қаласы", ru: "г. Шымкент" }[lang];
  await press("admin", region);
  const orgLabel = lang === "kk" ? T.orgKk : T.orgRu;
  const staffInvite = await users.admin.press(t("admin.inviteStaffOf", { org: orgLabel }));
  record("admin", `[${t("admin.inviteStaffOf", { org: orgLabel })}]`, staffInvite);
  await send("staff", `/start ${linkIn(staffInvite)}`);
  await send("staff", T.staff);
  await send("staff", T.staffTitle);
  await key("staff", "roles.accept");
  await send("admin", "/admin");
  const mediatorInvite = await users.admin.press(t("admin.inviteMediator"));
  record("admin", `[${t("admin.inviteMediator")}]`, mediatorInvite);
  await send("mediator", `/start ${linkIn(mediatorInvite)}`);
  await send("mediator", T.mediator);
  await send("mediator", T.mediatorTitle);
  await key("mediator", "roles.accept");

  section("notice");
  await send("applicant", "/start");
  await key("applicant", "privacy.agree");
  await send("applicant", "/notice");
  await key("applicant", "notice.relation.spouse");
  await key("applicant", "notice.actsForConfirm");
  await send("applicant", T.patient);
  await send("applicant", IIN_PATIENT);
  await key("applicant", "notice.yes");
  await press("applicant", region);
  await press("applicant", lang === "kk" ? T.orgKk : T.orgRu);
  await send("applicant", "01.11.2026 – 05.11.2026");
  await send("applicant", T.description);
  await key("applicant", "notice.outcome.death");
  await key("applicant", "notice.support.yes");
  await key("applicant", "notice.filesDone");
  record("applicant", t("notice.shareContact"), await users.applicant.contact("+77011234567"));
  await key("applicant", "notice.submit");
  const c = await db.db.prisma.case.findFirstOrThrow();
  const doc = (await loadNoticeDocument(db.db.prisma, c.id, TEST_DATA_KEY))!;
  showDocument(`${number}.pdf`, noticeContent(doc, lang, h.i18n));

  section("explainer");
  await send("applicant", "/explain");
  await key("applicant", "explain.check");
  for (const a of ["yes", "no", "no", "yes", "unknown"]) await key("applicant", `explain.answer.${a}`);
  await key("applicant", "explain.paymentsButton");
  await key("applicant", "explain.done");

  section("sitting");
  await send("staff", "/inbox");
  await key("staff", "cases.open", { number });
  await key("staff", "receipt.recordButton");
  await send("staff", "01-12/345");
  await key("staff", "receipt.today");
  await send("staff", "/inbox");
  await key("staff", "cases.open", { number });
  await key("staff", "staff.formed");
  await key("staff", "staff.confirm");
  await key("staff", "sitting.scheduleButton");
  await key("staff", "sitting.tomorrow");
  await send("staff", "15:00");
  await key("staff", "sitting.format.both");
  await send("staff", T.address);
  await send("staff", "https://meet.example.kz/kz-1");
  await key("staff", "sitting.noNote");
  await key("staff", "conclusion.save");
  await key("applicant", "sitting.answer.in_person");

  section("mediation");
  await send("staff", "/inbox");
  await key("staff", "cases.open", { number });
  await key("staff", "mediation.offerButton");
  await press("staff", T.mediator);
  await key("mediator", "mediation.accept");
  const mediation = await db.db.prisma.mediation.findFirstOrThrow();
  showDocument(`${number}-mediation-contract.pdf`, (await contractContent(mediation.id, lang, env))!.content);
  await key("applicant", "mediation.agreeContract");
  for (const x of [T.surname, T.name, T.patronymic, IIN_APPLICANT, T.postal]) await send("applicant", x);
  await key("staff", "mediation.agreeContract");
  await key("applicant", "mediation.write");
  await send("applicant", T.message);
  await send("mediator", "/inbox");
  await key("mediator", "cases.open", { number });
  await key("mediator", "mediation.propose");
  await send("mediator", "5 000 000");
  await send("mediator", T.terms);
  await key("mediator", "mediation.defaultDays");
  await key("mediator", "mediation.send");
  await key("applicant", "mediation.rejectProposal");
  // The agreement both sides would be sent had both accepted the proposal (here the applicant rejected it).
  const proposal = await db.db.prisma.proposal.findFirstOrThrow();
  showDocument(`${number}-agreement.pdf`, (await agreementContent(proposal.id, lang, env))!.content);
  await send("mediator", "/inbox");
  await key("mediator", "cases.open", { number });
  await key("mediator", "mediation.end");
  await key("mediator", "mediation.endIt");

  section("conclusion");
  await send("staff", "/inbox");
  await key("staff", "cases.open", { number });
  await key("staff", "staff.conclusion");
  await key("staff", "conclusion.confirmed");
  await key("staff", "notice.outcome.death");
  await send("staff", T.summary);
  await key("staff", "conclusion.noDocument");
  await key("staff", "conclusion.issuedToday");
  await key("staff", "conclusion.save");

  section("complaint");
  await send("applicant", "/cases");
  await key("applicant", "cases.open", { number });
  await key("applicant", "escalation.button");
  await key("applicant", "escalation.buttons.department");
  await key("applicant", "particulars.useThem");
  const applicant = await db.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(IDS.applicant) } });
  const details = detailsOf(applicant.details, TEST_DATA_KEY)!;
  showDocument(`${number}-complaint.pdf`, complaintContent((await complaintLines(db.db.prisma, c.id, "department", details, TEST_DATA_KEY, "Asia/Almaty", NOW))!, lang, h.i18n));

  await db.dispose();
  return out.join("\n");
};

const dir = process.env.TEXTS_DIR ?? "data/texts";
mkdirSync(dir, { recursive: true });
for (const lang of ["kk", "ru"] as const) {
  const file = join(dir, `${lang}.md`);
  writeFileSync(file, `${await journey(lang)}\n`);
  console.log(`wrote ${file}`);
}
