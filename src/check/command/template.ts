/**
 * A pruner command template, split into argv without a shell: `python3 prune.py {model} {plan} {out}`.
 *
 * Quoting follows the POSIX shell's word rules and nothing else: whitespace separates words,
 * '…' keeps everything literally, "…" keeps everything but `\"` and `\\`, a backslash outside
 * quotes escapes the next character. There is no expansion of any kind ($VAR, globs, ~, pipes,
 * `;`, redirections are plain characters), so a generated path can never inject a command.
 * Placeholders are substituted inside each word after splitting: a path with spaces stays one
 * argument. Wanting a shell is explicit: `sh -c 'prune.sh "$0" "$1" "$2"' {model} {plan} {out}`.
 */
import { PruneguardError } from '../../errors.js';

/** The files a case hands to the command. `{groups}` is optional (see README: the file protocol). */
export const PLACEHOLDERS = ['model', 'plan', 'out', 'groups'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
const REQUIRED: readonly Placeholder[] = ['model', 'plan', 'out'];

/** Splits a template into words (placeholders still in place); throws E_BAD_ARGUMENT on unbalanced quotes. */
export function splitTemplate(template: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === "'") {
      const end = template.indexOf("'", i + 1);
      if (end < 0) throw bad(template, `unterminated ' at column ${i + 1}`);
      word += template.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < template.length && template[j] !== '"'; j++) {
        if (template[j] === '\\' && (template[j + 1] === '"' || template[j + 1] === '\\')) j++;
        word += template[j];
      }
      if (j >= template.length) throw bad(template, `unterminated " at column ${i + 1}`);
      inWord = true;
      i = j;
    } else if (ch === '\\') {
      if (i + 1 >= template.length) throw bad(template, 'a trailing backslash escapes nothing');
      word += template[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  if (words.length === 0) throw bad(template, 'it is empty');
  const used = new Set([...words.join(' ').matchAll(/\{([a-z]+)\}/g)].map((m) => m[1]));
  const unknown = [...used].filter((u) => !PLACEHOLDERS.includes(u as Placeholder));
  if (unknown.length)
    throw bad(
      template,
      `unknown placeholder ${unknown.map((u) => `{${u}}`).join(', ')} (known: ` +
        `${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})`,
    );
  const missing = REQUIRED.filter((p) => !used.has(p));
  if (missing.length) throw bad(template, `it must mention ${missing.map((p) => `{${p}}`).join(', ')}`);
  return words;
}

/** The argv for one case: every placeholder replaced by its path. */
export function fillTemplate(words: readonly string[], paths: Record<Placeholder, string>): string[] {
  return words.map((w) => w.replace(/\{(model|plan|out|groups)\}/g, (_, p: Placeholder) => paths[p]));
}

/** An argv as one line a POSIX shell would run as the same argv (for replay lines). */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ');
}

export function quoteWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./{}-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

function bad(template: string, why: string): PruneguardError {
  return new PruneguardError('E_BAD_ARGUMENT', `--pruner template ${JSON.stringify(template)}: ${why}`);
}
