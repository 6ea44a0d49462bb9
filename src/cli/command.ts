/**
 * What one CLI command is. Each command lives in one file under commands/ and
 * is listed once in commands/index.ts (with its one-line summary, so the global help loads no command); main.ts does parsing, help and exit codes.
 */
import type { ParseArgsConfig } from 'node:util';

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, findings: 1, badInput: 2, internal: 3 } as const;

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Command {
  name: string;
  /** Full `pruneguard NAME --help` text (usage line, options, exit codes). */
  help: string;
  /** node:util parseArgs options; `--help/-h` is added for every command. */
  options: NonNullable<ParseArgsConfig['options']>;
  run(args: { values: OptionValues; positionals: string[] }, io: Io): Promise<number>;
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};
