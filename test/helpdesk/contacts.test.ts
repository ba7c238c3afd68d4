import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, type TestApp } from '../helpers/app.js';
import { apiError, supportTeam, ticketByMail, type Person } from './fixture.js';

describe('contacts', () => {
  let app: TestApp;
  let jane: Person;
  let bea: Person;
  let sally: Person;
  beforeAll(async () => {
    app = await startTestApp();
    ({ jane, bea, sally } = await supportTeam(app));
  });
  afterAll(() => app.close());

  const byEmail = async (p: Person, email: string) => (await json(p.api(`/api/v1/contacts?q=${encodeURIComponent(email)}`))).items[0];

  it('come from mail, take secondary addresses, and collect the tickets of all of them', async () => {
    const first = await ticketByMail(app, 'From the office', 'carl@customer.test');
    const contact = await byEmail(jane, 'carl@customer.test');
    expect(contact).toMatchObject({ email: 'carl@customer.test', name: 'Customer', secondaryEmails: [] });

    const res = await jane.api(`/api/v1/contacts/${contact.id}`, { method: 'PATCH', json: { name: 'Carl Jones', secondaryEmails: ['Carl.Home@customer.test'], phone: '+41 44 000 00 00', notes: 'Prefers mail.' } });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ name: 'Carl Jones', secondaryEmails: ['carl.home@customer.test'], phone: '+41 44 000 00 00' });

    // Mail from the secondary address belongs to the same contact.
    const second = await ticketByMail(app, 'From home', 'carl.home@customer.test');
    expect((await byEmail(jane, 'carl.home@customer.test')).id).toBe(contact.id);
    const detail = await json(jane.api(`/api/v1/contacts/${contact.id}`));
    expect(detail.tickets.map((t: any) => t.number)).toEqual([second, first]);
    expect((await json(jane.api('/api/v1/contacts?q=jones'))).items.map((c: any) => c.id)).toEqual([contact.id]);

    // An agent of another department sees the contact, not those tickets.
    expect((await json(sally.api(`/api/v1/contacts/${contact.id}`))).tickets).toEqual([]);
  });

  it('keeps each address with one contact, and lets basic agents read only', async () => {
    await ticketByMail(app, 'Hello', 'dora@customer.test');
    const dora = await byEmail(jane, 'dora@customer.test');
    const taken = await apiError(jane.api(`/api/v1/contacts/${dora.id}`, { method: 'PATCH', json: { secondaryEmails: ['carl@customer.test'] } }));
    expect(taken).toMatchObject({ status: 409, code: 'email_taken' });
    expect(await apiError(bea.api(`/api/v1/contacts/${dora.id}`, { method: 'PATCH', json: { name: 'D' } }))).toMatchObject({ status: 403 });
    expect((await bea.api(`/api/v1/contacts/${dora.id}`)).status).toBe(200);
    const created = await jane.api('/api/v1/contacts', { method: 'POST', json: { email: 'eve@customer.test', name: 'Eve' } });
    expect(created.status).toBe(201);
    expect((await byEmail(bea, 'EVE@customer.test')).name).toBe('Eve');
    // Changing the primary address frees the old one.
    const eve = await json(created);
    await jane.api(`/api/v1/contacts/${eve.id}`, { method: 'PATCH', json: { email: 'eve@new.test' } });
    expect(await byEmail(jane, 'eve@customer.test')).toBeUndefined();
    expect((await byEmail(jane, 'eve@new.test')).id).toBe(eve.id);
  });

  it('merges duplicates: addresses and tickets move to the contact that stays', async () => {
    const work = await ticketByMail(app, 'Work question', 'fred@work.test');
    const home = await ticketByMail(app, 'Home question', 'fred@home.test');
    const keep = await byEmail(jane, 'fred@work.test');
    const dup = await byEmail(jane, 'fred@home.test');
    expect(await apiError(bea.api(`/api/v1/contacts/${dup.id}/merge`, { method: 'POST', json: { into: keep.id } }))).toMatchObject({ status: 403 });
    const res = await jane.api(`/api/v1/contacts/${dup.id}/merge`, { method: 'POST', json: { into: keep.id } });
    expect(res.status).toBe(200);
    expect((await json(res)).secondaryEmails).toEqual(['fred@home.test']);
    expect((await jane.api(`/api/v1/contacts/${dup.id}`)).status).toBe(404);
    expect((await byEmail(jane, 'fred@home.test')).id).toBe(keep.id);
    expect((await json(jane.api(`/api/v1/contacts/${keep.id}`))).tickets.map((t: any) => t.number)).toEqual([home, work]);
    // New mail from the merged address lands with the surviving contact.
    const later = await ticketByMail(app, 'Another one', 'fred@home.test');
    expect((await json(jane.api(`/api/v1/contacts/${keep.id}`))).tickets.map((t: any) => t.number)).toEqual([later, home, work]);
  });
});
