// The dispatcher of the mxdesk command line, apart from the binary (src/cli.ts) so that
// tests can run a command in-process and read what it printed.
import { parseArgs } from 'node:util';
import { err, out, setIo, UsageError, type Command, type Io, type Options } from './command.js';
import { dataCommands } from './data.js';
import { peopleCommands } from './people.js';
import { checkCommands } from './checks.js';

const commands: Record<string, Command> = { ...dataCommands, ...peopleCommands, ...checkCommands };

function helpText(): string {
  return [
    'usage: mxdesk <command> [options]',
    '',
    'commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(14)} ${c.help.split('. ')[0]!.replace(/\.$/, '')}.`),
    '',
    'Every command takes --help. Configuration comes from config/mxdesk.jsonc and MXDESK_* variables.',
    'Commands that change the store work on a running appliance through its API with --url and an admin token (MXDESK_URL, MXDESK_TOKEN).',
  ].join('\n');
}

/** Runs one command line; resolves to the exit code: 0 done, 1 failed, 2 wrong usage. */
export async function runCli(argv: string[], io?: Io): Promise<number> {
  if (io) setIo(io);
  const name = argv[1] && commands[`${argv[0]} ${argv[1]}`] ? `${argv[0]} ${argv[1]}` : argv[0];
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(helpText());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    err(`mxdesk: unknown command "${name}"\n\n${helpText()}\n`);
    return 2;
  }
  const rest = argv.slice(name.split(' ').length);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { help: { type: 'boolean', short: 'h' }, ...(command.options ?? {}) }, allowPositionals: true, strict: true });
  } catch (e) {
    err(`mxdesk ${name}: ${(e as Error).message}\nusage: ${command.usage}\n`);
    return 2;
  }
  if (parsed.values.help) {
    out(`usage: ${command.usage}\n\n${command.help}`);
    return 0;
  }
  try {
    await command.run(parsed.positionals, parsed.values as Options);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`mxdesk ${name}: ${e.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    err(`mxdesk ${name}: ${(e as Error).message}\n`);
    return 1;
  }
}

