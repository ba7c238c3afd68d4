import type { FastifyInstance } from 'fastify';
import type { Ingestor } from '../../ingest/ingest.js';
import { backupRoutes } from './backup.js';
import { exportRoutes } from './export.js';
import { importRoutes } from './import.js';
import { domainRoutes } from './domains.js';
import type { DnsResolver } from '../../verdict/resolver.js';

/** What the appliance's data routes need beyond the store: where the data dir is, and ingest. */
export interface OpsDeps {
  dataDir: string;
  hostname: string;
  ingestor: Ingestor;
  /** What the panel's DNS check looks records up with (the MX's own resolver). */
  resolver?: DnsResolver;
}

/** Backup download, mbox export and import, the DNS check: the data of a running appliance, in and out. */
export async function opsRoutes(app: FastifyInstance, deps: OpsDeps): Promise<void> {
  app.register(backupRoutes, deps);
  app.register(exportRoutes);
  app.register(importRoutes, deps);
  if (deps.resolver) app.register(domainRoutes, { hostname: deps.hostname, resolver: deps.resolver });
}
