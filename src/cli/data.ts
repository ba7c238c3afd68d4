import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { pino } from 'pino';
import { loadConfig } from '../config/load.js';
import { loadSecret } from '../config/secret.js';
import { writeBackupFile } from '../backup/write.js';
import { restoreBackup, verifyBackup } from '../backup/read.js';
import type { BackupSummary } from '../backup/format.js';
import { Ingestor } from '../ingest/ingest.js';
import { loadRouting } from '../app/routing.js';
import { exportTicket, exportTickets } from '../mbox/export.js';
import { importFiles } from '../mbox/import.js';
import { looksLikeMbox } from '../mbox/mbox.js';
import { APP_VERSION } from '../http/routes/backup.js';
import { onStoreOrApi, out, REMOTE_HELP, REMOTE_OPTIONS, UsageError, type Command } from './command.js';
import { Progress } from './progress.js';

const describe = (s: BackupSummary) => `${s.entries} entries (${s.bySublevel.ticket ?? 0} tickets, ${s.bySublevel.msg ?? 0} messages), files: ${s.files.join(', ') || 'none'}`;

export const dataCommands: Record<string, Command> = {
  backup: {
    usage: 'mxdesk backup <file> [--url U --token T]',
    help: `Writes a consistent snapshot of the store and the key files of the data dir to <file> (gzip). ${REMOTE_HELP}`,
    options: REMOTE_OPTIONS,
    async run([file], opts) {
      if (!file) throw new UsageError('backup needs a file name');
      const s = await onStoreOrApi(
        opts,
        (db, config) => writeBackupFile(db, config.dataDir, file, { hostname: config.hostname, version: APP_VERSION }),
        async (api) => {
          await api.download('/api/v1/backup', file);
          // What came over the wire is read through once: a cut download must not pass for a backup.
          return verifyBackup(file);
        },
      );
      out(`backup written to ${file}: ${describe(s)}`);
    },
  },
  verify: {
    usage: 'mxdesk verify <file>',
    help: 'Reads a backup through, checks its framing and checksum, and prints what it holds.',
    async run([file]) {
      if (!file) throw new UsageError('verify needs a file name');
      const s = await verifyBackup(file);
      out(`backup OK: made ${s.meta.createdAt} on ${s.meta.hostname}; ${s.entries} entries (${s.bySublevel.ticket ?? 0} tickets, ${s.bySublevel.msg ?? 0} messages, ${s.bySublevel.raw ?? 0} raw messages); files: ${s.files.join(', ') || 'none'}`);
    },
  },
  restore: {
    usage: 'mxdesk restore <file>',
    help: 'Restores a backup into the configured data dir, which must be empty (MXDESK_DATA_DIR). The backup is verified before anything is written.',
    async run([file]) {
      if (!file) throw new UsageError('restore needs a file name');
      const config = loadConfig();
      const s = await restoreBackup(file, config.dataDir);
      out(`restored ${s.entries} entries and ${s.files.length} files into ${config.dataDir}`);
    },
  },
  export: {
    usage: 'mxdesk export <file> [--ticket N] [--url U --token T]',
    help: `Writes every ticket, or one with --ticket, as an mbox file (RFC 4155, mboxrd quoting): the mail as received and as sent, oldest first. ${REMOTE_HELP}`,
    options: { ticket: { type: 'string' }, ...REMOTE_OPTIONS },
    async run([file], opts) {
      if (!file) throw new UsageError('export needs a file name');
      const ticket = opts.ticket === undefined ? undefined : Number(opts.ticket);
      if (ticket !== undefined && !(Number.isInteger(ticket) && ticket > 0)) throw new UsageError('--ticket takes a ticket number');
      await onStoreOrApi(
        opts,
        async (db) => {
          const stream = createWriteStream(file, { mode: 0o600 });
          if (ticket === undefined) await exportTickets(db, stream);
          else if (!(await exportTicket(db, ticket, stream))) throw new Error(`no ticket #${ticket}`);
          stream.end();
          await once(stream, 'finish');
        },
        (api) => api.download(ticket === undefined ? '/api/v1/export.mbox' : `/api/v1/tickets/${ticket}/export.mbox`, file),
      );
      out(`exported ${ticket === undefined ? 'all tickets' : `ticket #${ticket}`} to ${file} (${statSync(file).size} bytes)`);
    },
  },
  import: {
    usage: 'mxdesk import <file>… [--url U --token T]',
    help: `Imports mbox files or single messages (.eml) into tickets, threaded like live mail; no acknowledgements are sent. Mail already present (same Message-ID) is skipped. Shows progress on stderr. ${REMOTE_HELP}`,
    options: REMOTE_OPTIONS,
    async run(files, opts) {
      if (files.length === 0) throw new UsageError('import needs at least one file');
      const total = files.reduce((n, f) => n + statSync(f).size, 0);
      const progress = new Progress(total);
      const messages = await onStoreOrApi(
        opts,
        async (db, config) => {
          const routing = await loadRouting(db);
          if (routing.addresses.size === 0) throw new Error('this data dir has no support address yet: start mxdesk once, then import');
          const ingestor = new Ingestor({ db, log: pino({ level: 'warn' }, process.stderr as any), secret: loadSecret(config.dataDir, config.secretKey), routing: () => routing });
          const done = await importFiles(db, ingestor, files, Date.now, (p) => progress.update(p.bytes, p.spooled));
          return done.spooled;
        },
        async (api) => {
          // One request per file; the server answers when that file's mail is ticketed.
          let count = 0;
          let sent = 0;
          for (const file of files) {
            const head = Buffer.alloc(5);
            const handle = await open(file);
            await handle.read(head, 0, 5, 0);
            await handle.close();
            const type = looksLikeMbox(head) ? 'application/mbox' : 'message/rfc822';
            const res = await api.json<{ messages: number }>('/api/v1/import', { method: 'POST', type, body: createReadStream(file) as any });
            count += res.messages;
            sent += statSync(file).size;
            progress.update(sent, count);
          }
          return count;
        },
      );
      progress.finish();
      out(`imported ${messages} messages from ${files.length} file${files.length === 1 ? '' : 's'}`);
    },
  },
};
