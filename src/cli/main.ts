/**
 * The `pruneguard` command. Exit codes: 0 ok, 1 findings, 2 bad input (one line
 * naming the file and the problem, no stack), 3 internal error (with stack: a bug).
 */
import { parseArgs } from 'node:util';
import { isPruneguardError } from '../errors.js';
import { commandHelp, EXIT, processIo, type Command, type Io } from './command.js';
import { parseOptions, type RawValue } from './options.js';
import { COMMANDS } from './commands/index.js';

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(globalHelp());
    return EXIT.badInput;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(globalHelp());
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    io.err(
      `pruneguard: unknown command '${name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')}; ` +
        `see pruneguard --help)`,
    );
    return EXIT.badInput;
  }
  const command = await entry.load();
  let parsed: { values: Record<string, RawValue>; positionals: string[] };
  try {
    const options = Object.fromEntries(
      Object.entries(command.options).map(([k, o]) => [
        k,
        { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) },
      ]),
    );
    parsed = parseArgs({
      args: [...rest],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as { values: Record<string, RawValue>; positionals: string[] };
  } catch (e) {
    io.err(`pruneguard ${name}: ${oneLine((e as Error).message)} (see pruneguard ${name} --help)`);
    return EXIT.badInput;
  }
  if (parsed.values.help) {
    io.out(commandHelp(command));
    return EXIT.ok;
  }
  return runCommand(command, parsed, io);
}

/** Runs a parsed command, mapping errors to exit codes (exported for tests). */
export async function runCommand(
  command: Command,
  args: { values: Record<string, RawValue>; positionals: string[] },
  io: Io,
): Promise<number> {
  try {
    return await command.run({ values: parseOptions(command.options, args.values), positionals: args.positionals }, io);
  } catch (e) {
    if (isPruneguardError(e)) {
      io.err(`pruneguard ${command.name}: ${oneLine(e.message)}`);
      return EXIT.badInput;
    }
    io.err(
      `pruneguard ${command.name}: internal error (a bug in pruneguard, ` +
        `please report it)\n${(e as Error)?.stack ?? String(e)}`,
    );
    return EXIT.internal;
  }
}

/** Bad-input messages must fit one line, whatever the underlying library put in them. */
function oneLine(message: string): string {
  // A listed problem's line break becomes "; " so the problems stay apart on the one line.
  return message
    .replace(/:\s*\n\s*/g, ': ')
    .replace(/\s*\n\s*/g, '; ')
    .replace(/\s+/g, ' ')
    .trim();
}

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: pruneguard <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `pruneguard <command> --help` for its options.',
    'Exit codes: 0 ok, 1 findings, 2 bad input, 3 internal error.',
  ].join('\n');
}
