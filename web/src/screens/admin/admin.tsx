import { followLink } from '../../router.js';
import { Dashboard } from './dashboard.js';
import { Departments } from './departments.js';
import { Settings } from './settings.js';
import { SupportAddresses } from './support-addresses.js';
import { FromAddresses } from './from-addresses.js';
import { Users } from './users.js';
import { Domains } from './domains.js';
import { Backup } from './backup.js';
import { SlaPolicies } from './sla.js';
import { Rules } from './rules.js';
import { CustomFields } from './custom-fields.js';
import { Webhooks } from './webhooks.js';
import { Tokens } from './tokens.js';
import { Templates } from './templates.js';
import { HelpCentre } from './help-centre.js';
import { CannedReplies } from './canned-replies.js';
import { useWords, type AdminWord } from './words.js';

// The admin screens, loaded on demand (app.tsx imports this module lazily): agents never
// download them, and the first load stays small. The API checks the role on every call.

const SECTIONS: Array<[string, AdminWord, () => preact.JSX.Element]> = [
  ['support-addresses', 'support', () => <SupportAddresses />],
  ['from-addresses', 'from', () => <FromAddresses />],
  ['departments', 'departments', () => <Departments />],
  ['users', 'users', () => <Users />],
  ['domains', 'domains', () => <Domains />],
  ['backup', 'backup', () => <Backup />],
  ['settings', 'settings', () => <Settings />],
  ['sla', 'sla', () => <SlaPolicies />],
  ['rules', 'rules', () => <Rules />],
  ['custom-fields', 'customFields', () => <CustomFields />],
  ['webhooks', 'webhooks', () => <Webhooks />],
  ['tokens', 'tokens', () => <Tokens />],
  ['dashboard', 'dashboard', () => <Dashboard />],
  ['templates', 'templates', () => <Templates />],
  ['help-centre', 'helpCentre', () => <HelpCentre />],
  ['canned-replies', 'cannedReplies', () => <CannedReplies />],
];

export function Admin({ section }: { section: string }) {
  const w = useWords();
  const current = SECTIONS.find(([s]) => s === section) ?? SECTIONS[0]!;
  return (
    <section class="admin" aria-labelledby="admin-title">
      <h1 id="admin-title">{w('title')}</h1>
      <nav class="tabs" aria-label={w('sections')}>
        {SECTIONS.map(([s, word]) => (
          <a key={s} href={`/admin/${s}`} onClick={followLink} aria-current={s === current[0] ? 'page' : undefined}>{w(word)}</a>
        ))}
      </nav>
      {current[2]()}
    </section>
  );
}
