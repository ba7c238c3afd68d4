import { useEffect, useState } from 'preact/hooks';
import { api, type TicketView } from '../api.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { followLink } from '../router.js';

interface AccountDetail {
  id: string;
  name: string;
  domains: string[];
  keyAccount?: boolean;
  tickets: Array<{ number: number; subject: string; status: string }>;
}

const SHOWN = 5;

/** The requester's company (GET /accounts/:id): a key account stands out, with its other tickets. */
export function AccountCard({ ticket }: { ticket: TicketView }) {
  const { t } = useI18n();
  const [account, setAccount] = useState<AccountDetail | null>(null);
  const id = ticket.account?.id;
  useEffect(() => {
    setAccount(null);
    if (id) api<AccountDetail>(`/accounts/${id}`).then(setAccount, () => setAccount(null));
  }, [id, ticket.number]);
  if (!ticket.account) return null;
  const others = (account?.tickets ?? []).filter((o) => o.number !== ticket.number);
  return (
    <section class="account" aria-label={t('account.title')}>
      <h3>{t('account.title')}</h3>
      <p>
        {ticket.account.name} {ticket.account.keyAccount && <strong class="key-account">{t('account.key')}</strong>}
      </p>
      {account && account.domains.length > 0 && <p class="hint">{account.domains.join(', ')}</p>}
      {others.length > 0 && (
        <>
          <h4>{t('account.otherTickets')}</h4>
          <ul>
            {others.slice(0, SHOWN).map((o) => (
              <li key={o.number}>
                <a href={`/tickets/${o.number}`} onClick={followLink}>#{o.number} {o.subject}</a> <span class="hint">{t(`state.${o.status}` as MessageKey)}</span>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
