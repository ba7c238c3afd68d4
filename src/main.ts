import { loadConfig } from './config/load.js';
import { ConfigError } from './config/settings.js';
import { startApp } from './app/app.js';
import { checkDns, formatFindings } from './diagnostics/dns-check.js';
import { deskDnsInput } from './diagnostics/desk-dns.js';
import { createResolver } from './verdict/resolver.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`mxdesk: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const app = await startApp(config);
  if (app.firstStart.created) {
    const lines = [
      '',
      'mxdesk: first start — created the support address and the admin user.',
      `  support address: support@${config.domains[0]}`,
      `  panel:           http://${config.hostname}:${app.httpPort}/`,
      `  admin login:     ${app.firstStart.adminEmail}`,
    ];
    if (app.firstStart.generatedPassword) {
      lines.push(`  admin password:  ${app.firstStart.generatedPassword}   (shown once: write it down)`);
    }
    process.stdout.write(lines.join('\n') + '\n\n');
    // What to publish in DNS, so that the admin knows the next step (does not block the start).
    deskDnsInput(app.db, config.hostname)
      .then((input) => checkDns(input, createResolver(config.dns.servers, Math.min(config.dns.timeoutMs, 3000))))
      .then((findings) => process.stdout.write(`mxdesk: DNS of the support domains (run \`mxdesk dns-check\` again later):\n${formatFindings(findings)}\n\n`))
      .catch(() => undefined);
  }
  const shutdown = (signal: string) => {
    app.log.info({ signal }, 'stopping');
    // Docker gives 10 s between SIGTERM and SIGKILL.
    const force = setTimeout(() => process.exit(1), 9_000);
    force.unref();
    app.stop().then(
      () => process.exit(0),
      (err) => {
        app.log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(`mxdesk: could not start: ${err?.stack ?? err}\n`);
  process.exit(1);
});
