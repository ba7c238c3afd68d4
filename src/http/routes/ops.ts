import type { FastifyInstance } from 'fastify';
import type { Ingestor } from '../../ingest/ingest.js';
import { backupRoutes } from './backup.js';
import { exportRoutes } from './export.js';
import { importRoutes } from './import.js';

/** What the appliance's data routes need beyond the store: where the data dir is, and ingest. */
export interface OpsDeps {
  dataDir: string;
  hostname: string;
  ingestor: Ingestor;
}

/** Backup download, mbox export and import: the data of a running appliance, in and out. */
export async function opsRoutes(app: FastifyInstance, deps: OpsDeps): Promise<void> {
  app.register(backupRoutes, deps);
  app.register(exportRoutes);
  app.register(importRoutes, deps);
}
