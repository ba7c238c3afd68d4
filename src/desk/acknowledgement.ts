// When the desk answers a new ticket by itself, and what it says.

export interface AckFacts {
  enabled: boolean;
  newTicket: boolean;
  autoReply: boolean;
  bounce: boolean;
  list: boolean;
  /** Sent from one of our own support addresses or domains, or carries our X-Loop. */
  ownAddress: boolean;
  dmarcFailed: boolean;
  quarantined: boolean;
  /** Envelope sender; empty is the null reverse-path. */
  mailFrom: string;
  /** Acknowledgements already sent to this requester in the last hour. */
  sentLastHour: number;
  perHourLimit: number;
}

/**
 * RFC 3834 §2: never answer automatically to mail that is itself automatic (auto-replies,
 * bounces, list and bulk mail), nor to a null sender; limit how often one address is
 * answered, so two responders cannot ping-pong. We add: not to our own addresses (a loop
 * through ourselves), and not to mail whose From is forged (DMARC failed).
 */
export function acknowledgementBlocker(f: AckFacts): string | null {
  if (!f.enabled) return 'acknowledgements are off';
  if (!f.newTicket) return 'not a new ticket';
  if (f.mailFrom === '') return 'null sender';
  if (f.bounce) return 'bounce';
  if (f.autoReply) return 'auto-reply';
  if (f.list) return 'list mail';
  if (f.ownAddress) return 'from our own address';
  if (f.dmarcFailed || f.quarantined) return 'DMARC failed';
  if (f.sentLastHour >= f.perHourLimit) return `already ${f.sentLastHour} acknowledgements to this sender in the last hour`;
  return null;
}

/** A department's own acknowledgement; {token} {number} {subject} {name} {department} are filled in. */
export interface AckTemplate {
  /** False: this department sends no acknowledgement. */
  enabled: boolean;
  subject?: string;
  text?: string;
}

export interface AckFill {
  number: number;
  /** The ticket's subject token, e.g. "[#1001]" (the configured format). */
  token: string;
  subject: string;
  requesterName: string;
  requesterEmail: string;
  departmentName: string;
}

const DEFAULT_SUBJECT = '{token} Auto: {subject}';

/** Subject and text of the acknowledgement of a new ticket: the department's template, else ours. */
export function acknowledgementMail(template: AckTemplate | undefined, f: AckFill): { subject: string; text: string } {
  const fill = (s: string) =>
    s.replace(/\{(token|number|subject|name|department)\}/g, (_, k: string) =>
      k === 'token' ? f.token : k === 'number' ? String(f.number) : k === 'subject' ? f.subject || '(no subject)' : k === 'name' ? f.requesterName || f.requesterEmail : f.departmentName,
    );
  const subject = fill(template?.subject || DEFAULT_SUBJECT);
  // The token must survive any template: it is what threads the customer's answer (and the
  // Message-ID's signed token is lost by clients that start a new mail).
  return {
    subject: subject.includes(f.token) ? subject : `${f.token} ${subject}`,
    text: template?.text ? fill(template.text) : defaultText(f),
  };
}

function defaultText(f: AckFill): string {
  const hello = f.requesterName ? `Hello ${f.requesterName},` : 'Hello,';
  return [
    hello,
    '',
    `thank you for writing to ${f.departmentName}. We have received your message and opened ticket #${f.number}:`,
    '',
    `    ${f.subject || '(no subject)'}`,
    '',
    'We will answer as soon as we can. To add anything, simply reply to this mail and keep the',
    `ticket number ${f.token} in the subject.`,
    '',
    '-- ',
    `${f.departmentName}`,
    '',
  ].join('\n');
}
