#!/usr/bin/env node
// mxdesk command line: `mxdesk <command> [options]`, also `npm run cli -- <command>`.
// Exit codes: 0 done, 1 the command failed, 2 wrong usage.
import { parseArgs } from 'node:util';
import { loadConfig } from './config/load.js';
import { Batch, Db } from './store/db.js';
import { userByEmail, putUser } from './store/directory.js';
import { hashPassword, randomPassword } from './auth/password.js';
import { writeBackupFile } from './backup/write.js';
import { restoreBackup, verifyBackup } from './backup/read.js';
import { checkDns, formatFindings } from './diagnostics/dns-check.js';
import { createResolver } from './verdict/resolver.js';

interface Command {
  usage: string;
  help: string;
  options?: Record<string, { type: 'string' | 'boolean'; short?: string }>;
  run(args: string[], opts: Record<string, string | boolean | undefined>): Promise<void>;
}

class UsageError extends Error {}

const out = (s: string) => process.stdout.write(s + '\n');

/** Opens the store of the configured data dir; a running mxdesk holds its lock. */
async function openStore(): Promise<Db> {
  const config = loadConfig();
  const db = new Db(config.dataDir);
  try {
    await db.open();
  } catch (err) {
    const cause = String((err as any)?.cause?.message ?? (err as Error).message);
    if (/lock/i.test(cause)) {
      throw new Error(`the store in ${config.dataDir} is in use by a running mxdesk. Stop it first, or download a backup from the panel (GET /api/v1/backup).`);
    }
    throw err;
  }
  return db;
}

const commands: Record<string, Command> = {
  backup: {
    usage: 'mxdesk backup <file>',
    help: 'Writes a consistent snapshot of the store and the key files of the data dir to <file> (gzip). The store must not be in use; for a running appliance download GET /api/v1/backup as an admin.',
    async run([file]) {
      if (!file) throw new UsageError('backup needs a file name');
      const db = await openStore();
      try {
        const s = await writeBackupFile(db, loadConfig().dataDir, file, { hostname: loadConfig().hostname, version: process.env.npm_package_version ?? 'unknown' });
        out(`backup written to ${file}: ${s.entries} entries (${s.bySublevel.ticket ?? 0} tickets, ${s.bySublevel.msg ?? 0} messages), files: ${s.files.join(', ') || 'none'}`);
      } finally {
        await db.close();
      }
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
  'dns-check': {
    usage: 'mxdesk dns-check',
    help: 'Checks the DNS of every support domain: MX points here, SPF, DKIM, DMARC, and the PTR of this host; prints the exact records to add. Exit code 1 when something is missing or wrong.',
    async run() {
      const config = loadConfig();
      const findings = await checkDns({ hostname: config.hostname, domains: config.domains, relays: [], dkim: [] }, createResolver(config.dns.servers, config.dns.timeoutMs));
      out(formatFindings(findings));
      if (findings.some((f) => f.state !== 'ok')) throw new Error('some records are missing or wrong (see above)');
    },
  },
  'user passwd': {
    usage: 'mxdesk user passwd <email> [--password P]',
    help: 'Sets a new password for a user; without --password a random one is printed once.',
    options: { password: { type: 'string' } },
    async run([email], opts) {
      if (!email) throw new UsageError('user passwd needs an email');
      const db = await openStore();
      try {
        const user = await userByEmail(db, email);
        if (!user) throw new Error(`no user with email ${email}`);
        const password = (opts.password as string | undefined) || randomPassword();
        const b = new Batch();
        putUser(db, b, { ...user, passwordHash: await hashPassword(password) }, user);
        await db.commit(b, true);
        out(opts.password ? `password of ${email} changed` : `new password of ${email}: ${password}`);
      } finally {
        await db.close();
      }
    },
  },
};

function helpText(): string {
  return ['usage: mxdesk <command> [options]', '', 'commands:', ...Object.values(commands).map((c) => `  ${c.usage.padEnd(44)} ${c.help.split('. ')[0]!.replace(/\.$/, '')}.`), '', 'Every command takes --help. Configuration comes from config/mxdesk.jsonc and MXDESK_* variables.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const name = argv[1] && commands[`${argv[0]} ${argv[1]}`] ? `${argv[0]} ${argv[1]}` : argv[0];
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(helpText());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`mxdesk: unknown command "${name}"\n\n${helpText()}\n`);
    return 2;
  }
  const rest = argv.slice(name.split(' ').length);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { help: { type: 'boolean', short: 'h' }, ...(command.options ?? {}) }, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`mxdesk ${name}: ${(err as Error).message}\nusage: ${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    out(`usage: ${command.usage}\n\n${command.help}`);
    return 0;
  }
  try {
    await command.run(parsed.positionals, parsed.values as Record<string, string | boolean | undefined>);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`mxdesk ${name}: ${err.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    process.stderr.write(`mxdesk ${name}: ${(err as Error).message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
