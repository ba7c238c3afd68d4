import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

const en = {
  'app.name': 'mxdesk',
  'app.skip': 'Skip to content',
  'app.logout': 'Log out',
  'app.language': 'Language',
  'app.live': 'Live',
  'app.offline': 'Reconnecting…',
  'app.loading': 'Loading…',
  'app.error': 'Something went wrong: {message}',
  'login.title': 'Log in to mxdesk',
  'login.email': 'Email',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.failed': 'Wrong email or password.',
  'inbox.title': 'Inbox',
  'inbox.views': 'Ticket status',
  'inbox.search': 'Search tickets',
  'inbox.searchHint': 'Subject, requester or #number',
  'inbox.empty': 'No tickets here.',
  'inbox.more': 'Load more',
  'inbox.messages': '{count} messages',
  'inbox.keys': 'Keys: j/k move, Enter or o open, / search',
  'inbox.col.ticket': 'Ticket',
  'inbox.col.subject': 'Subject',
  'inbox.col.requester': 'Requester',
  'inbox.col.updated': 'Updated',
  'status.all': 'All',
  'status.open': 'Open',
  'status.waiting': 'Waiting',
  'status.hold': 'On hold',
  'status.closed': 'Closed',
  'state.open': 'Open',
  'state.waiting': 'Waiting',
  'state.hold': 'On hold',
  'state.closed': 'Closed',
  'ticket.back': 'Back to inbox',
  'ticket.thread': 'Messages',
  'ticket.details': 'Details',
  'ticket.keys': 'Keys: u or Esc back to the inbox',
  'ticket.status': 'Status',
  'ticket.requester': 'Requester',
  'ticket.department': 'Department',
  'ticket.alias': 'Support address',
  'ticket.created': 'Created',
  'ticket.linked': 'Linked tickets',
  'ticket.notFound': 'Ticket #{number} does not exist.',
  'message.from': 'From',
  'message.to': 'To',
  'message.cc': 'Cc',
  'message.date': 'Date',
  'message.ours': 'Sent by us',
  'message.raw': 'Original (.eml)',
  'message.attachments': 'Attachments',
  'message.showImages': 'Show images',
  'message.imagesBlocked': 'Remote images are blocked so the sender cannot see when you read this.',
  'message.htmlTitle': 'Message from {from}',
  'message.showText': 'Plain text',
  'message.showHtml': 'Formatted',
  'verdict.title': 'Sender checks',
  'verdict.none': 'not checked',
  'warn.dmarc-fail': 'DMARC failed: this mail may not really come from {domain}. Do not trust its sender, links or requests.',
  'warn.not-requester': 'The sender is not the requester of this ticket.',
  'warn.hijack-guard': 'This mail cited a ticket its sender is not part of, so it opened a new ticket.',
  'warn.quarantine': 'Quarantined: the sending domain asks receivers to treat failing mail as suspect.',
} as const;

export type MessageKey = keyof typeof en;
type Dictionary = Record<MessageKey, string>;

const es: Dictionary = {
  'app.name': 'mxdesk',
  'app.skip': 'Saltar al contenido',
  'app.logout': 'Cerrar sesión',
  'app.language': 'Idioma',
  'app.live': 'En vivo',
  'app.offline': 'Reconectando…',
  'app.loading': 'Cargando…',
  'app.error': 'Algo salió mal: {message}',
  'login.title': 'Entrar en mxdesk',
  'login.email': 'Correo',
  'login.password': 'Contraseña',
  'login.submit': 'Entrar',
  'login.failed': 'Correo o contraseña incorrectos.',
  'inbox.title': 'Bandeja',
  'inbox.views': 'Estado del ticket',
  'inbox.search': 'Buscar tickets',
  'inbox.searchHint': 'Asunto, solicitante o #número',
  'inbox.empty': 'No hay tickets aquí.',
  'inbox.more': 'Cargar más',
  'inbox.messages': '{count} mensajes',
  'inbox.keys': 'Teclas: j/k mover, Intro u o abrir, / buscar',
  'inbox.col.ticket': 'Ticket',
  'inbox.col.subject': 'Asunto',
  'inbox.col.requester': 'Solicitante',
  'inbox.col.updated': 'Actualizado',
  'status.all': 'Todos',
  'status.open': 'Abiertos',
  'status.waiting': 'En espera',
  'status.hold': 'Retenidos',
  'status.closed': 'Cerrados',
  'state.open': 'Abierto',
  'state.waiting': 'En espera',
  'state.hold': 'Retenido',
  'state.closed': 'Cerrado',
  'ticket.back': 'Volver a la bandeja',
  'ticket.thread': 'Mensajes',
  'ticket.details': 'Detalles',
  'ticket.keys': 'Teclas: u o Esc vuelve a la bandeja',
  'ticket.status': 'Estado',
  'ticket.requester': 'Solicitante',
  'ticket.department': 'Departamento',
  'ticket.alias': 'Dirección de soporte',
  'ticket.created': 'Creado',
  'ticket.linked': 'Tickets enlazados',
  'ticket.notFound': 'El ticket #{number} no existe.',
  'message.from': 'De',
  'message.to': 'Para',
  'message.cc': 'Cc',
  'message.date': 'Fecha',
  'message.ours': 'Enviado por nosotros',
  'message.raw': 'Original (.eml)',
  'message.attachments': 'Adjuntos',
  'message.showImages': 'Mostrar imágenes',
  'message.imagesBlocked': 'Las imágenes remotas están bloqueadas para que el remitente no sepa cuándo lee esto.',
  'message.htmlTitle': 'Mensaje de {from}',
  'message.showText': 'Texto plano',
  'message.showHtml': 'Con formato',
  'verdict.title': 'Comprobaciones del remitente',
  'verdict.none': 'sin comprobar',
  'warn.dmarc-fail': 'DMARC falló: puede que este correo no venga de verdad de {domain}. No confíe en su remitente, enlaces ni peticiones.',
  'warn.not-requester': 'El remitente no es el solicitante de este ticket.',
  'warn.hijack-guard': 'Este correo citaba un ticket del que su remitente no forma parte, así que abrió un ticket nuevo.',
  'warn.quarantine': 'En cuarentena: el dominio remitente pide tratar como sospechoso el correo que falla.',
};

export const LANGUAGES = { en: { name: 'English', words: en as Dictionary }, es: { name: 'Español', words: es } };
export type Language = keyof typeof LANGUAGES;

const STORAGE_KEY = 'mxdesk.language';

/** The agent's choice if they made one, else the first browser language we speak. */
export function initialLanguage(): Language {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && saved in LANGUAGES) return saved as Language;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (base && base in LANGUAGES) return base as Language;
  }
  return 'en';
}

export function saveLanguage(lang: Language): void {
  localStorage.setItem(STORAGE_KEY, lang);
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function translator(lang: Language): Translate {
  const words = LANGUAGES[lang].words;
  return (key, params) => words[key].replace(/\{(\w+)\}/g, (m, name: string) => (params && name in params ? String(params[name]) : m));
}

export const I18n = createContext<{ lang: Language; t: Translate }>({ lang: 'en', t: translator('en') });

export const useI18n = () => useContext(I18n);
