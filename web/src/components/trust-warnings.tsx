import type { MessageView } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';

const WARNED = ['dmarc-fail', 'quarantine', 'not-requester', 'hijack-guard'] as const;

/** What an agent must know before trusting a mail: said in words, not only in colour. */
export function TrustWarnings({ message }: { message: MessageView }) {
  const { t } = useI18n();
  if (message.direction === 'out') return null;
  const domain = message.verdict?.dmarc.domain || message.from.email.split('@')[1] || '?';
  const shown = WARNED.filter((f) => message.flags.includes(f));
  if (shown.length === 0) return null;
  return (
    <div class="warnings" role="alert">
      {shown.map((flag) => (
        <p key={flag} class={`warning warn-${flag}`}>
          <span aria-hidden="true">⚠ </span>
          {t(`warn.${flag}` as MessageKey, { domain })}
        </p>
      ))}
    </div>
  );
}
