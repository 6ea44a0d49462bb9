/**
 * What one CLI command is. Each command lives in one file under commands/ and
 * is listed once in commands/index.ts (with its one-line summary, so the global help loads no
 * command); main.ts does parsing, help and exit codes.
 * A command declares its options with `opt` (options.ts): the values its `run`
 * receives are typed and already validated, and its `--help` is generated.
 */
import { type Options, optionsHelp, type ValuesOf } from './options.js';

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, findings: 1, badInput: 2, internal: 3 } as const;

/** Where a command writes: `out` is stdout (the only place `--json` output goes), `err` is stderr. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** One command, declared once: its help text is generated from these fields. */
export interface Command<O extends Options = Options> {
  name: string;
  /** The synopsis after `pruneguard NAME` (positionals and the options that go together). */
  usage: string;
  /** What the command does, a few lines of prose. */
  description: string;
  /** The command's exit codes, one sentence. */
  exitCodes: string;
  /** Typed option declarations; `--help/-h` is added for every command. */
  options: O;
  run(args: { values: ValuesOf<O>; positionals: string[] }, io: Io): Promise<number>;
}

/** Declares a command with its option types checked against `run` (the table holds them untyped). */
export function defineCommand<O extends Options>(command: Command<O>): Command {
  return command as unknown as Command;
}

/** `pruneguard NAME --help`, from the declarations. */
export function commandHelp(c: Command): string {
  return [
    `Usage: pruneguard ${c.name} ${c.usage}`,
    '',
    c.description,
    '',
    'Options:',
    optionsHelp(c.options),
    '',
    `Exit codes: ${c.exitCodes}`,
  ].join('\n');
}

/** The process's stdout and stderr. */
export const processIo: Io = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};
