import { useEffect, useState } from 'preact/hooks';
import { api, type TicketView } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { formatAddress } from '../format.js';
import { followLink } from '../router.js';

interface Contact {
  name: string;
  email: string;
  emails: string[];
  phone?: string;
  tickets: Array<{ number: number; subject: string; status: string }>;
}

/** The requester's contact and their other tickets (GET /contacts/:id, as visible to the agent). */
export function ContactCard({ ticket }: { ticket: TicketView }) {
  const { t } = useI18n();
  const [contact, setContact] = useState<Contact | null>(null);
  useEffect(() => {
    setContact(null);
    if (ticket.contactId) api<Contact>(`/contacts/${ticket.contactId}`).then(setContact, () => setContact(null));
  }, [ticket.contactId, ticket.number]);
  if (!contact) return null;
  const others = contact.tickets.filter((o) => o.number !== ticket.number);
  return (
    <section class="contact" aria-label={t('ticket.contact')}>
      <h3>{t('ticket.contact')}</h3>
      <p class="address">{formatAddress({ name: contact.name, email: contact.email })}</p>
      {contact.phone && <p>{contact.phone}</p>}
      <h4>{t('contact.otherTickets')}</h4>
      {others.length === 0 ? <p class="hint">{t('contact.none')}</p> : (
        <ul>
          {others.map((o) => (
            <li key={o.number}>
              <a href={`/tickets/${o.number}`} onClick={followLink}>#{o.number} {o.subject}</a> <span class="hint">{t(`state.${o.status}` as MessageKey)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
