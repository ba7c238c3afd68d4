import type { TicketView } from '../api.js';

export type ComposeKind = 'reply' | 'reply-all' | 'forward' | 'comment';

/** "a@x, B <b@y>" → ['a@x', 'b@y']: what the replies route accepts as addresses. */
export function parseAddresses(field: string): string[] {
  return field
    .split(/[,;\n]/)
    .map((part) => (/<([^<>]+)>/.exec(part)?.[1] ?? part).trim())
    .filter(Boolean);
}

/**
 * What the composer shows before the agent edits anything, following the API's own plan
 * (src/outbound/reply.ts planReply): a reply goes to the requester; reply all keeps the
 * customer's To and Cc minus our own addresses; a forward starts empty. When the agent leaves
 * the fields as shown, the panel sends none and lets the API plan (it also knows Reply-To).
 */
export function plannedRecipients(kind: ComposeKind, ticket: TicketView, ours: Set<string>): { to: string; cc: string } {
  if (kind === 'forward' || kind === 'comment') return { to: '', cc: '' };
  const lastInbound = ticket.messages.filter((m) => m.direction === 'in').at(-1);
  const to = [ticket.requester.email];
  const seen = new Set(to.map((e) => e.toLowerCase()));
  const cc: string[] = [];
  if (kind === 'reply-all' && lastInbound) {
    for (const a of [...lastInbound.to, ...lastInbound.cc]) {
      const e = a.email.toLowerCase();
      if (ours.has(e) || seen.has(e)) continue;
      seen.add(e);
      cc.push(a.email);
    }
  }
  return { to: to.join(', '), cc: cc.join(', ') };
}

/** A file as the base64 the replies route takes in its JSON body. */
export function fileAsBase64(file: File): Promise<{ filename: string; contentType: string; content: string }> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error(`Could not read ${file.name}`));
    reader.onload = () => {
      const url = String(reader.result);
      resolve({ filename: file.name, contentType: file.type || 'application/octet-stream', content: url.slice(url.indexOf(',') + 1) });
    };
    reader.readAsDataURL(file);
  });
}
