import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, type TestApp } from '../helpers/app.js';
import { apiError, supportTeam, ticketByMail, type Person } from './fixture.js';

// Accounts (customer companies): made by hand or by CSV, never by mail; mail from an
// account's domain links its sender's contact; each shows its contacts and tickets;
// duplicates merge; rules can test the account.

describe('accounts', () => {
  let app: TestApp;
  let jane: Person;
  let bea: Person;
  let sally: Person;
  beforeAll(async () => {
    app = await startTestApp();
    ({ jane, bea, sally } = await supportTeam(app));
  });
  afterAll(() => app.close());

  const contactOf = async (email: string) => (await json(app.api(`/api/v1/contacts?q=${encodeURIComponent(email)}`))).items[0];
  const create = async (who: Person, body: Record<string, unknown>) => {
    const res = await who.api('/api/v1/accounts', { method: 'POST', json: body });
    expect(res.status).toBe(201);
    return json(res);
  };

  it('links contacts from mail by domain, and shows the account its contacts and tickets', async () => {
    const acme = await create(jane, { name: 'Acme Corp', domains: ['ACME.test'], notes: 'Annual contract', keyAccount: true });
    expect(acme).toMatchObject({ name: 'Acme Corp', domains: ['acme.test'], notes: 'Annual contract', keyAccount: true });

    const first = await ticketByMail(app, 'Broken anvil', 'wile@acme.test');
    const second = await ticketByMail(app, 'Rocket skates late', 'road@acme.test');
    await ticketByMail(app, 'Unrelated', 'someone@other.test');
    expect((await contactOf('wile@acme.test')).accountId).toBe(acme.id);
    expect((await contactOf('someone@other.test')).accountId).toBeNull();

    const detail = await json(bea.api(`/api/v1/accounts/${acme.id}`));
    expect(detail.contacts.map((c: any) => c.email).sort()).toEqual(['road@acme.test', 'wile@acme.test']);
    expect(detail.tickets.map((t: any) => t.number)).toEqual([second, first]);
    const page = await json(jane.api(`/api/v1/accounts/${acme.id}/tickets?limit=1`));
    expect(page.items.map((t: any) => t.number)).toEqual([second]);
    expect((await json(jane.api(`/api/v1/accounts/${acme.id}/tickets?limit=1&cursor=${encodeURIComponent(page.nextCursor)}`))).items.map((t: any) => t.number)).toEqual([first]);
    // An agent of another department sees the account, not those tickets.
    expect((await json(sally.api(`/api/v1/accounts/${acme.id}`))).tickets).toEqual([]);
    // The contact page names its account.
    expect((await json(jane.api(`/api/v1/contacts/${(await contactOf('wile@acme.test')).id}`))).account).toEqual({ id: acme.id, name: 'Acme Corp' });
    expect((await json(jane.api('/api/v1/accounts?q=acme'))).items.map((a: any) => a.id)).toEqual([acme.id]);
    // The ticket page names the requester's account.
    expect((await json(jane.api(`/api/v1/tickets/${first}`))).account).toEqual({ id: acme.id, name: 'Acme Corp', keyAccount: true });
    // A contact an agent unlinked stays unlinked when it writes again.
    const road = await contactOf('road@acme.test');
    await jane.api(`/api/v1/contacts/${road.id}`, { method: 'PATCH', json: { accountId: null } });
    await ticketByMail(app, 'Rocket skates still late', 'road@acme.test');
    expect((await contactOf('road@acme.test')).accountId).toBeNull();
  });

  it('adopts the contacts without an account at the domains it is given', async () => {
    const n = await ticketByMail(app, 'Before the account existed', 'mia@wonka.test');
    await ticketByMail(app, 'Also before', 'max@wonka.test');
    // A contact an agent already put in another account stays there.
    const other = await create(jane, { name: 'Elsewhere Ltd' });
    await jane.api(`/api/v1/contacts/${(await contactOf('max@wonka.test')).id}`, { method: 'PATCH', json: { accountId: other.id } });
    const wonka = await create(jane, { name: 'Wonka' });
    expect((await json(jane.api(`/api/v1/accounts/${wonka.id}`))).contacts).toEqual([]);
    await jane.api(`/api/v1/accounts/${wonka.id}`, { method: 'PATCH', json: { domains: ['wonka.test'] } });
    const detail = await json(jane.api(`/api/v1/accounts/${wonka.id}`));
    expect(detail.contacts.map((c: any) => c.email)).toEqual(['mia@wonka.test']);
    expect(detail.tickets.map((t: any) => t.number)).toEqual([n]);
    expect((await contactOf('max@wonka.test')).accountId).toBe(other.id);
  });

  it('never owns a free-mail domain, and each domain belongs to one account', async () => {
    expect(await apiError(jane.api('/api/v1/accounts', { method: 'POST', json: { name: 'Gmail people', domains: ['gmail.com'] } }))).toMatchObject({ status: 400, code: 'free_mail_domain' });
    await create(jane, { name: 'Globex', domains: ['globex.test'] });
    expect(await apiError(jane.api('/api/v1/accounts', { method: 'POST', json: { name: 'Globex 2', domains: ['globex.test'] } }))).toMatchObject({ status: 409, code: 'domain_taken' });
    // Mail from Gmail makes a contact and no account.
    const before = (await json(app.api('/api/v1/accounts?limit=200'))).items.length;
    await ticketByMail(app, 'From my gmail', 'pat@gmail.com');
    expect((await contactOf('pat@gmail.com')).accountId).toBeNull();
    expect((await json(app.api('/api/v1/accounts?limit=200'))).items.length).toBe(before);
  });

  it('lets basic agents read only, and agents link contacts by hand', async () => {
    expect(await apiError(bea.api('/api/v1/accounts', { method: 'POST', json: { name: 'Nope' } }))).toMatchObject({ status: 403, code: 'forbidden' });
    const initech = await create(jane, { name: 'Initech' });
    expect(await apiError(bea.api(`/api/v1/accounts/${initech.id}`, { method: 'PATCH', json: { name: 'X' } }))).toMatchObject({ status: 403 });
    expect(await apiError(bea.api(`/api/v1/accounts/${initech.id}`, { method: 'DELETE' }))).toMatchObject({ status: 403 });
    expect((await bea.api('/api/v1/accounts')).status).toBe(200);

    await ticketByMail(app, 'TPS reports', 'peter@gmail.com');
    const peter = await contactOf('peter@gmail.com');
    const linked = await json(jane.api(`/api/v1/contacts/${peter.id}`, { method: 'PATCH', json: { accountId: initech.id } }));
    expect(linked.accountId).toBe(initech.id);
    expect((await json(jane.api(`/api/v1/accounts/${initech.id}`))).contacts.map((c: any) => c.email)).toEqual(['peter@gmail.com']);
    expect(await apiError(jane.api(`/api/v1/contacts/${peter.id}`, { method: 'PATCH', json: { accountId: '0000000000000000000z' } }))).toMatchObject({ status: 404 });

    const renamed = await json(jane.api(`/api/v1/accounts/${initech.id}`, { method: 'PATCH', json: { name: 'Initech Inc', domains: ['initech.test'] } }));
    expect(renamed).toMatchObject({ name: 'Initech Inc', domains: ['initech.test'] });
    // Deleting the account leaves its contacts, unlinked.
    expect((await jane.api(`/api/v1/accounts/${initech.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await jane.api(`/api/v1/accounts/${initech.id}`)).status).toBe(404);
    expect((await contactOf('peter@gmail.com')).accountId).toBeNull();
    // Its domain is free again.
    await create(jane, { name: 'Initech again', domains: ['initech.test'] });
  });

  it('merges duplicates: contacts and domains move, mail from either domain finds the survivor', async () => {
    const keep = await create(jane, { name: 'Umbrella', domains: ['umbrella.test'] });
    const dup = await create(jane, { name: 'Umbrella Corp', domains: ['umbrella-corp.test'], keyAccount: true, notes: 'Dup' });
    const n = await ticketByMail(app, 'Zombies', 'alice@umbrella-corp.test');
    expect(await apiError(bea.api(`/api/v1/accounts/${dup.id}/merge`, { method: 'POST', json: { into: keep.id } }))).toMatchObject({ status: 403 });
    expect(await apiError(jane.api(`/api/v1/accounts/${keep.id}/merge`, { method: 'POST', json: { into: keep.id } }))).toMatchObject({ status: 409, code: 'same_account' });
    const res = await jane.api(`/api/v1/accounts/${dup.id}/merge`, { method: 'POST', json: { into: keep.id } });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ id: keep.id, domains: ['umbrella.test', 'umbrella-corp.test'], keyAccount: true, notes: 'Dup' });
    expect((await jane.api(`/api/v1/accounts/${dup.id}`)).status).toBe(404);
    const detail = await json(jane.api(`/api/v1/accounts/${keep.id}`));
    expect(detail.contacts.map((c: any) => c.email)).toEqual(['alice@umbrella-corp.test']);
    expect(detail.tickets.map((t: any) => t.number)).toEqual([n]);
    await ticketByMail(app, 'More zombies', 'bob@umbrella-corp.test');
    expect((await contactOf('bob@umbrella-corp.test')).accountId).toBe(keep.id);
  });

  it('carries the account name through the contacts CSV, creating accounts by name', async () => {
    const csv = ['name,email,account', 'Hank Scorpio,hank@globex-corp.test,Globex Corporation', 'Free Mailer,free@gmail.com,Globex Corporation', 'Nobody,nobody@nowhere.test,'].join('\r\n');
    const result = await json(app.api('/api/v1/contacts/import', { method: 'POST', body: csv, headers: { 'Content-Type': 'text/csv' } }));
    expect(result).toMatchObject({ created: 3, errors: [] });
    const accounts = (await json(app.api('/api/v1/accounts?q=globex%20corporation'))).items;
    expect(accounts).toHaveLength(1);
    // The new account takes the first row's company domain, never the free-mail one.
    expect(accounts[0].domains).toEqual(['globex-corp.test']);
    expect((await contactOf('free@gmail.com')).accountId).toBe(accounts[0].id);
    expect((await contactOf('nobody@nowhere.test')).accountId).toBeNull();

    const exported = await (await app.api('/api/v1/contacts/export.csv')).text();
    expect(exported.split('\r\n')[0]).toBe('name,email,secondary_emails,phone,notes,account');
    expect(exported).toContain('Hank Scorpio,hank@globex-corp.test,,,,Globex Corporation');
    const again = await json(app.api('/api/v1/contacts/import', { method: 'POST', body: exported, headers: { 'Content-Type': 'text/csv' } }));
    expect(again).toMatchObject({ created: 0, errors: [] });
    expect((await json(app.api('/api/v1/accounts?q=globex%20corporation'))).items).toHaveLength(1);
  });

  it('lets rules test the account name and the key-account flag', async () => {
    await create(jane, { name: 'Stark Industries', domains: ['stark.test'], keyAccount: true });
    for (const [name, condition, tag] of [
      ['Key accounts', { kind: 'keyAccount', value: true }, 'vip'],
      ['Stark', { kind: 'account', value: 'stark industries' }, 'stark'],
    ] as const) {
      const res = await app.api('/api/v1/rules', { method: 'POST', json: { name, triggers: ['ticket-created'], conditions: [condition], actions: [{ kind: 'addTags', value: [tag] }] } });
      expect(res.status).toBe(201);
    }
    expect(await apiError(app.api('/api/v1/rules', { method: 'POST', json: { name: 'bad', triggers: ['ticket-created'], conditions: [{ kind: 'keyAccount', value: 'yes' }], actions: [{ kind: 'stop' }] } }))).toMatchObject({ status: 400, code: 'invalid_rule' });
    const stark = await ticketByMail(app, 'Suit repair', 'tony@stark.test');
    const other = await ticketByMail(app, 'Suit repair too', 'someone@plain.test');
    await app.rules.idle();
    expect((await json(app.api(`/api/v1/tickets/${stark}`))).tags.sort()).toEqual(['stark', 'vip']);
    expect((await json(app.api(`/api/v1/tickets/${other}`))).tags).toEqual([]);
  });
});
