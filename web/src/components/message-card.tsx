import { useState } from 'preact/hooks';
import type { MessageView } from '../api.js';
import { useI18n } from '../i18n.js';
import { formatAddress, formatDate } from '../format.js';
import { VerdictBadges } from './verdict-badges.js';
import { TrustWarnings } from './trust-warnings.js';
import { Attachments } from './attachments.js';
import { MailFrame } from './mail-frame.js';
import { DeliveryState } from './delivery-state.js';

export function MessageCard({ message: m, canRetry = false }: { message: MessageView; canRetry?: boolean }) {
  const { t, lang } = useI18n();
  const ours = m.direction === 'out';
  const [asText, setAsText] = useState(false);
  const showFrame = m.html !== null && !asText;
  return (
    <article class={`message card ${ours ? 'ours' : 'theirs'}`} aria-label={`${formatAddress(m.from)} — ${formatDate(m.date, lang)}`}>
      {ours && <p class="ours-note">{t('message.ours')}{m.flags.includes('private') && ` · ${t('message.private')}`}</p>}
      {m.delivery && <DeliveryState messageId={m.id} delivery={m.delivery} canRetry={canRetry} />}
      <header>
        <dl class="addresses">
          <dt>{t('message.from')}</dt>
          <dd class="from">{formatAddress(m.from)}</dd>
          <dt>{t('message.to')}</dt>
          <dd>{m.to.map(formatAddress).join(', ')}</dd>
          {m.cc.length > 0 && (
            <>
              <dt>{t('message.cc')}</dt>
              <dd>{m.cc.map(formatAddress).join(', ')}</dd>
            </>
          )}
          <dt>{t('message.date')}</dt>
          <dd><time dateTime={new Date(m.date).toISOString()}>{formatDate(m.date, lang)}</time></dd>
        </dl>
        {m.verdict && <VerdictBadges verdict={m.verdict} />}
      </header>
      <TrustWarnings message={m} />
      {m.html !== null && (
        <button type="button" class="link" onClick={() => setAsText(!asText)}>{asText ? t('message.showHtml') : t('message.showText')}</button>
      )}
      {/* Mail text is rendered as text (Preact escapes it); HTML only ever goes to the sandboxed frame. */}
      {showFrame ? <MailFrame message={m} /> : <div class="body">{m.text}</div>}
      <Attachments message={m} />
      {/* What really arrived, byte for byte; our own mail is described by the thread itself. */}
      {!ours && (
        <footer>
          <a href={`/api/v1/messages/${m.id}/raw`} download>{t('message.raw')}</a>
        </footer>
      )}
    </article>
  );
}
