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

export function acknowledgementText(opts: { number: number; subject: string; requesterName: string; departmentName: string }): string {
  const hello = opts.requesterName ? `Hello ${opts.requesterName},` : 'Hello,';
  return [
    hello,
    '',
    `thank you for writing to ${opts.departmentName}. We have received your message and opened ticket #${opts.number}:`,
    '',
    `    ${opts.subject || '(no subject)'}`,
    '',
    'We will answer as soon as we can. To add anything, simply reply to this mail and keep the',
    `ticket number [#${opts.number}] in the subject.`,
    '',
    '-- ',
    `${opts.departmentName}`,
    '',
  ].join('\n');
}
