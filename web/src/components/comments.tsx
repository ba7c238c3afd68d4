import { useI18n } from '../i18n.js';
import { formatDate } from '../format.js';

export interface Comment {
  id: string;
  author: { id: string; name: string };
  text: string;
  createdAt: number;
}

/** Internal notes between agents: shown apart from the mail, and never sent to the customer. */
export function Comments({ items }: { items: Comment[] }) {
  const { t, lang } = useI18n();
  if (items.length === 0) return null;
  return (
    <section class="comments" aria-label={t('ticket.comments')}>
      {items.map((c) => (
        <article key={c.id} class="comment card" aria-label={t('ticket.commentBy', { name: c.author.name })}>
          <p class="meta">{t('ticket.commentBy', { name: c.author.name })} · <time dateTime={new Date(c.createdAt).toISOString()}>{formatDate(c.createdAt, lang)}</time></p>
          <div class="body">{c.text}</div>
        </article>
      ))}
    </section>
  );
}
