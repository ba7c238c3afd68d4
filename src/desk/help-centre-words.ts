import { MAX_TEXT, type CustomFieldDefinition } from './custom-fields.js';
import { LANGUAGES, type Language } from './templates.js';
import type { TicketStatus } from './types.js';

// Every word the help centre's public pages (form, thank-you, portal, their error pages)
// show a customer, in the languages the customer mails are written in. The page speaks the
// department's template language (or, in the portal, the contact's own), so a customer who
// got a Spanish acknowledgement does not land on an English page. Pure: no I/O here.

export interface HelpCentreWords {
  /** The value of <html lang>. */
  lang: Language;
  status: Record<TicketStatus, string>;
  /** A time as the pages show it; the ISO-like UTC form is the same in every language. */
  when: (ms: number) => string;

  // The form.
  yourName: string;
  yourEmail: string;
  subject: string;
  description: string;
  optional: string;
  attachments: (files: number, mb: number) => string;
  honeypot: string;
  sendRequest: string;

  // What a submission lacks (src/desk/help-centre.ts checkSubmission).
  nameMissing: string;
  nameTooLong: (max: number) => string;
  emailInvalid: string;
  subjectMissing: string;
  subjectTooLong: (max: number) => string;
  descriptionMissing: string;
  descriptionTooLong: (max: number) => string;
  customField: (def: CustomFieldDefinition) => string;

  // Answers of the form's route.
  tooManyTitle: string;
  tooMany: (waitSeconds: number) => string;
  notFoundTitle: string;
  notFound: string;
  useFormTitle: string;
  openForm: string;
  sendFromThere: string;
  notFromForm: string;
  attachmentsTooLarge: (files: number, fileMb: number, totalMb: number) => string;
  formExpired: string;
  notSaved: string;
  ownAddress: string;
  sentTitle: string;
  sent: string;
  sendAnother: string;

  // The portal.
  linkExpiredTitle: string;
  linkInvalidTitle: string;
  linkHelp: string;
  noRequestsForLink: string;
  requestNotFoundTitle: string;
  requestNotFound: string;
  yourRequests: string;
  noRequests: (name: string) => string;
  theseAreYourRequests: (name: string) => string;
  request: string;
  statusHeading: string;
  lastChange: string;
  noPlainText: string;
  attached: string;
  allYourRequests: string;
  replyAdded: string;
  yourReply: string;
  sendReply: string;
  support: string;
  /** The paragraph our mails add: where the customer reads and answers their requests. */
  portalParagraph: (link: string, days: number) => string;
}

const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

const EN: HelpCentreWords = {
  lang: 'en',
  status: { open: 'Open', waiting: 'Waiting for your answer', hold: 'On hold', closed: 'Closed' },
  when,
  yourName: 'Your name',
  yourEmail: 'Your email address',
  subject: 'Subject',
  description: 'How can we help?',
  optional: 'optional',
  attachments: (files, mb) => `Attachments (optional, up to ${files} files of ${mb} MB)`,
  honeypot: 'Leave this field empty',
  sendRequest: 'Send request',
  nameMissing: 'Please tell us your name.',
  nameTooLong: (max) => `Your name can be at most ${max} characters.`,
  emailInvalid: 'Please give an email address we can answer, like name@example.com.',
  subjectMissing: 'Please give your request a subject.',
  subjectTooLong: (max) => `The subject can be at most ${max} characters.`,
  descriptionMissing: 'Please describe what you need.',
  descriptionTooLong: (max) => `The description can be at most ${max} characters.`,
  customField: (def) =>
    def.type === 'number' ? `${def.label} takes a number.`
    : def.type === 'date' ? `${def.label} takes a date as YYYY-MM-DD.`
    : def.type === 'select' ? `${def.label} takes one of: ${(def.options ?? []).join(', ')}.`
    : `${def.label} takes text of up to ${MAX_TEXT} characters.`,
  tooManyTitle: 'Too many requests',
  tooMany: (wait) => `We received many requests from your network in a short time. Please try again in ${wait < 90 ? 'a minute' : `${Math.ceil(wait / 60)} minutes`}.`,
  notFoundTitle: 'Page not found',
  notFound: 'There is no help centre at this address.',
  useFormTitle: 'Please use the form',
  openForm: 'Open the form',
  sendFromThere: 'and send it from there.',
  notFromForm: 'This request did not come from our form.',
  attachmentsTooLarge: (files, fileMb, totalMb) => `Attachments can be at most ${files} files of ${fileMb} MB each, ${totalMb} MB together. Please choose them again.`,
  formExpired: 'This form was open for a long time. Please check your request and send it again (attachments need to be chosen again).',
  notSaved: 'We could not save your request just now. Please send it again in a moment (attachments need to be chosen again).',
  ownAddress: 'Please give your own email address, not one of ours.',
  sentTitle: 'Thank you, we have your request',
  sent: 'We have received your request and sent a confirmation with its number to your email address. Reply to that mail to add anything.',
  sendAnother: 'Send another request',
  linkExpiredTitle: 'This link has expired',
  linkInvalidTitle: 'This link is not valid',
  linkHelp: 'Each of our mails carries a fresh link to your requests; open the link in the most recent one, or write to us by mail.',
  noRequestsForLink: 'We have no requests for this link.',
  requestNotFoundTitle: 'Request not found',
  requestNotFound: 'This request does not exist or is not yours.',
  yourRequests: 'Your requests',
  noRequests: (name) => `Hello ${name}, you have no requests with us.`,
  theseAreYourRequests: (name) => `Hello ${name}, these are your requests.`,
  request: 'Request',
  statusHeading: 'Status',
  lastChange: 'Last change',
  noPlainText: '(This message has no plain-text version.)',
  attached: 'Attached',
  allYourRequests: 'All your requests',
  replyAdded: 'Your reply was added to this request.',
  yourReply: 'Your reply',
  sendReply: 'Send reply',
  support: 'Support',
  portalParagraph: (link, days) => [`You can follow and answer your requests online: ${link}`, `This link is personal and works for ${days} days; do not forward it.`].join('\n'),
};

const ES: HelpCentreWords = {
  lang: 'es',
  status: { open: 'Abierta', waiting: 'Esperando su respuesta', hold: 'En espera', closed: 'Cerrada' },
  when,
  yourName: 'Su nombre',
  yourEmail: 'Su dirección de correo electrónico',
  subject: 'Asunto',
  description: '¿En qué podemos ayudarle?',
  optional: 'opcional',
  attachments: (files, mb) => `Adjuntos (opcional, hasta ${files} archivos de ${mb} MB)`,
  honeypot: 'Deje este campo vacío',
  sendRequest: 'Enviar solicitud',
  nameMissing: 'Indíquenos su nombre.',
  nameTooLong: (max) => `Su nombre puede tener como máximo ${max} caracteres.`,
  emailInvalid: 'Indique una dirección de correo a la que podamos responder, como nombre@ejemplo.com.',
  subjectMissing: 'Indique un asunto para su solicitud.',
  subjectTooLong: (max) => `El asunto puede tener como máximo ${max} caracteres.`,
  descriptionMissing: 'Describa qué necesita.',
  descriptionTooLong: (max) => `La descripción puede tener como máximo ${max} caracteres.`,
  customField: (def) =>
    def.type === 'number' ? `${def.label} admite un número.`
    : def.type === 'date' ? `${def.label} admite una fecha con el formato AAAA-MM-DD.`
    : def.type === 'select' ? `${def.label} admite uno de estos valores: ${(def.options ?? []).join(', ')}.`
    : `${def.label} admite un texto de hasta ${MAX_TEXT} caracteres.`,
  tooManyTitle: 'Demasiadas solicitudes',
  tooMany: (wait) => `Hemos recibido muchas solicitudes desde su red en poco tiempo. Inténtelo de nuevo dentro de ${wait < 90 ? 'un minuto' : `${Math.ceil(wait / 60)} minutos`}.`,
  notFoundTitle: 'Página no encontrada',
  notFound: 'No hay ningún centro de ayuda en esta dirección.',
  useFormTitle: 'Use el formulario',
  openForm: 'Abra el formulario',
  sendFromThere: 'y envíelo desde allí.',
  notFromForm: 'Esta solicitud no procede de nuestro formulario.',
  attachmentsTooLarge: (files, fileMb, totalMb) => `Puede adjuntar como máximo ${files} archivos de ${fileMb} MB cada uno, ${totalMb} MB en total. Vuelva a elegirlos.`,
  formExpired: 'Este formulario ha estado abierto mucho tiempo. Revise su solicitud y envíela de nuevo (hay que volver a elegir los adjuntos).',
  notSaved: 'No hemos podido guardar su solicitud en este momento. Envíela de nuevo dentro de un momento (hay que volver a elegir los adjuntos).',
  ownAddress: 'Indique su propia dirección de correo, no una de las nuestras.',
  sentTitle: 'Gracias, hemos recibido su solicitud',
  sent: 'Hemos recibido su solicitud y le hemos enviado a su correo una confirmación con su número. Responda a ese correo para añadir cualquier cosa.',
  sendAnother: 'Enviar otra solicitud',
  linkExpiredTitle: 'Este enlace ha caducado',
  linkInvalidTitle: 'Este enlace no es válido',
  linkHelp: 'Cada uno de nuestros correos lleva un enlace nuevo a sus solicitudes; abra el del más reciente o escríbanos por correo.',
  noRequestsForLink: 'No tenemos solicitudes para este enlace.',
  requestNotFoundTitle: 'Solicitud no encontrada',
  requestNotFound: 'Esta solicitud no existe o no es suya.',
  yourRequests: 'Sus solicitudes',
  noRequests: (name) => `Hola, ${name}: no tiene solicitudes con nosotros.`,
  theseAreYourRequests: (name) => `Hola, ${name}: estas son sus solicitudes.`,
  request: 'Solicitud',
  statusHeading: 'Estado',
  lastChange: 'Último cambio',
  noPlainText: '(Este mensaje no tiene versión en texto sin formato.)',
  attached: 'Adjuntos',
  allYourRequests: 'Todas sus solicitudes',
  replyAdded: 'Su respuesta se ha añadido a esta solicitud.',
  yourReply: 'Su respuesta',
  sendReply: 'Enviar respuesta',
  support: 'Soporte',
  portalParagraph: (link, days) => [`Puede seguir y responder sus solicitudes en línea: ${link}`, `Este enlace es personal y funciona durante ${days} días; no lo reenvíe.`].join('\n'),
};

export const HELP_CENTRE_WORDS: Record<Language, HelpCentreWords> = { en: EN, es: ES };

export const helpWords = (language: Language): HelpCentreWords => HELP_CENTRE_WORDS[language] ?? EN;

/**
 * For pages that know no department (an unknown address, a broken portal link): the first
 * language of the browser's Accept-Language (RFC 9110 §12.5.4) we have, by weight, else English.
 */
export function browserLanguage(acceptLanguage: string | undefined): Language {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), i };
    })
    .filter((r) => r.q > 0 && (LANGUAGES as readonly string[]).includes(r.tag))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return (ranked[0]?.tag as Language | undefined) ?? 'en';
}
