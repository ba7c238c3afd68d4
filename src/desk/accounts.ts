// Accounts (customer companies) and the mail domains that find them. Pure.

/**
 * Public mailbox providers: a domain many unrelated people write from. An account never owns
 * one, or every Gmail user would join the same company.
 */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.es', 'ymail.com',
  'hotmail.com', 'hotmail.co.uk', 'hotmail.fr', 'hotmail.de', 'hotmail.es', 'outlook.com', 'outlook.es', 'live.com', 'msn.com',
  'icloud.com', 'me.com', 'mac.com', 'aol.com', 'gmx.com', 'gmx.de', 'gmx.net', 'web.de', 't-online.de', 'mail.com',
  'proton.me', 'protonmail.com', 'pm.me', 'tutanota.com', 'zoho.com', 'yandex.com', 'yandex.ru', 'mail.ru', 'qq.com',
  '163.com', '126.com', 'orange.fr', 'free.fr', 'laposte.net', 'libero.it', 'fastmail.com', 'hey.com',
]);

/** The domain part of an address, lower-case (RFC 5321 §2.4: domains compare case-insensitively). */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

export function isFreeMail(domain: string): boolean {
  return FREE_MAIL_DOMAINS.has(domain.toLowerCase());
}

/** A domain as accounts keep it: lower-case, no leading "@", no trailing dot. */
export function normaliseDomain(d: string): string {
  return d.trim().toLowerCase().replace(/^@/, '').replace(/\.$/, '');
}
