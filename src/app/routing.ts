import type { Db } from '../store/db.js';
import { listDomains, listSupportAddresses } from '../store/directory.js';
import type { Routing } from '../smtp/server.js';

/** Reads who the MX accepts mail for; called at start and after every change of addresses. */
export async function loadRouting(db: Db): Promise<Routing> {
  const [domains, addresses] = await Promise.all([listDomains(db), listSupportAddresses(db)]);
  return {
    domains: new Set(domains.map((d) => d.toLowerCase())),
    addresses: new Map(addresses.map((a) => [a.address.toLowerCase(), a])),
  };
}
