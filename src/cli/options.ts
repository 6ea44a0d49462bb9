/**
 * Typed CLI options: each option is declared once (its parseArgs type, its
 * placeholder, its help line, its parser), so parsing, validation and `--help`
 * come from the same declaration and every number, seed, ratio, shape and path
 * is checked by the same code in every command.
 *
 * node:util parseArgs stays the tokenizer: it is in Node, strict about unknown
 * flags, and the only thing a library would add (typed values and help) is
 * these hundred lines.
 */
import { PruneguardError } from '../errors.js';
import { parseShapeSyntax } from './shape-arg.js';

/** What parseArgs hands over for one option. */
export type RawValue = string | boolean | (string | boolean)[] | undefined;

/** One declared option: how parseArgs reads it, how it is shown in help, how it becomes a typed value. */
export interface Option<T> {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** The value's name in help (`N`, `FILE`); absent for flags. */
  readonly placeholder?: string;
  readonly help: string;
  /** Raw value (undefined when the option is absent) to the typed value; throws E_BAD_ARGUMENT naming `flag`. */
  parse(raw: RawValue, flag: string): T;
}

/** A command's options by long name (without `--`). */
export type Options = Record<string, Option<unknown>>;

/** The typed values a command's `run` receives for its declared options. */
export type ValuesOf<O extends Options> = { [K in keyof O]: O[K] extends Option<infer T> ? T : never };

const misuse = (flag: string, expected: string, raw: unknown) =>
  new PruneguardError('E_BAD_ARGUMENT', `${flag} must be ${expected}, got '${String(raw)}'`);

function single(raw: RawValue): string | undefined {
  return Array.isArray(raw) ? String(raw[raw.length - 1]) : raw === undefined ? undefined : String(raw);
}

function stringOption<T>(
  placeholder: string,
  help: string,
  parse: (text: string, flag: string) => T,
  short?: string,
): Option<T | undefined> {
  return {
    type: 'string',
    placeholder,
    help,
    short,
    parse: (raw, flag) => (raw === undefined ? undefined : parse(single(raw)!, flag)),
  };
}

function withDefault<T>(option: Option<T | undefined>, fallback: T): Option<T> {
  return {
    ...option,
    help: `${option.help} (default ${Array.isArray(fallback) ? fallback.join(',') : String(fallback)})`,
    parse: (raw, flag) => option.parse(raw, flag) ?? fallback,
  };
}

function integer(text: string, flag: string, min: number, max: number): number {
  const v = /^\s*[+-]?\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw misuse(
      flag,
      max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`,
      text,
    );
  }
  return v;
}

/** A share of something: in (0, 1), or [0, 1) when zero is meaningful. */
function share(text: string, flag: string, zero: boolean): number {
  const v = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(v) || (zero ? v < 0 : v <= 0) || v >= 1)
    throw misuse(flag, `a number in ${zero ? '[0, 1)' : '(0, 1)'}`, text);
  return v;
}

function list<T>(text: string, flag: string, each: (item: string, flag: string) => T): T[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw misuse(flag, 'a comma-separated list without empty items', text);
  return items.map((s) => each(s, flag));
}

/** Option builders: one per kind of value. Each returns `T | undefined`, or `T` when given a default. */
export const opt = {
  /** A boolean switch. */
  flag(help: string, short?: string): Option<boolean> {
    return { type: 'boolean', help, short, parse: (raw) => raw === true || (Array.isArray(raw) && raw.includes(true)) };
  },
  /** A file or folder path (non-empty). */
  path(placeholder: string, help: string, short?: string): Option<string | undefined> {
    return stringOption(
      placeholder,
      help,
      (text, flag) => {
        if (text === '') throw misuse(flag, 'a path', text);
        return text;
      },
      short,
    );
  },
  /** Free text (an id, a pattern). */
  text(placeholder: string, help: string): Option<string | undefined> {
    return stringOption(placeholder, help, (text) => text);
  },
  /** A repeatable string option (`--only a --only b`). */
  repeated(placeholder: string, help: string): Option<string[]> {
    return {
      type: 'string',
      multiple: true,
      placeholder,
      help,
      parse: (raw) => (raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).map(String)),
    };
  },
  /** An integer in [min, max]. */
  integer<D extends number | undefined = undefined>(
    placeholder: string,
    help: string,
    range: { min: number; max?: number; default?: D },
  ): Option<D extends number ? number : number | undefined> {
    const o = stringOption(placeholder, help, (text, flag) =>
      integer(text, flag, range.min, range.max ?? Number.MAX_SAFE_INTEGER),
    );
    return (range.default === undefined ? o : withDefault(o, range.default)) as Option<
      D extends number ? number : number | undefined
    >;
  },
  /** A positive count (runs, batch size). */
  count(help: string, fallback: number): Option<number> {
    return withDefault(
      stringOption('N', help, (text, flag) => integer(text, flag, 1, Number.MAX_SAFE_INTEGER)),
      fallback,
    );
  },
  /** A fast-check seed: any integer in [0, 2^31 - 1], 0 included. */
  seed(help: string, fallback: number): Option<number> {
    return withDefault(
      stringOption('S', help, (text, flag) => integer(text, flag, 0, 2 ** 31 - 1)),
      fallback,
    );
  },
  /** A share in (0, 1), or [0, 1) with `zero`. */
  ratio(placeholder: string, help: string, options: { zero?: boolean } = {}): Option<number | undefined> {
    return stringOption(placeholder, help, (text, flag) => share(text, flag, !!options.zero));
  },
  /** A comma-separated list of shares. */
  ratios(placeholder: string, help: string, fallback: number[], options: { zero?: boolean } = {}): Option<number[]> {
    return withDefault(
      stringOption(placeholder, help, (text, flag) => list(text, flag, (s) => share(s, flag, !!options.zero))),
      fallback,
    );
  },
  /** One of a fixed set of words. */
  choice<const C extends string>(values: readonly C[], help: string, fallback: C): Option<C> {
    return withDefault(
      stringOption(values.join('|'), help, (text, flag) => {
        if (!values.includes(text as C)) throw misuse(flag, `one of ${values.join(', ')}`, text);
        return text as C;
      }),
      fallback,
    );
  },
  /**
   * `--shape NAME=D0,D1,...`, repeatable; the syntax is checked here, the names against the model by parseShapeArgs.
   */
  shapes(help: string): Option<string[]> {
    return {
      type: 'string',
      multiple: true,
      placeholder: 'NAME=D0,D1,...',
      help,
      parse: (raw) => {
        const values = raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).map(String);
        for (const v of values) parseShapeSyntax(v);
        return values;
      },
    };
  },
  /** Any other syntax, parsed by `parse` (which throws a PruneguardError on bad input). */
  custom<T>(placeholder: string, help: string, parse: (text: string, flag: string) => T): Option<T | undefined> {
    return stringOption(placeholder, help, parse);
  },
};

/** Reads every declared option from parseArgs' raw values; the first bad one throws. */
export function parseOptions<O extends Options>(options: O, raw: Record<string, RawValue>): ValuesOf<O> {
  const values: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(options)) values[name] = option.parse(raw[name], `--${name}`);
  return values as ValuesOf<O>;
}

/** The options table of `--help`, generated from the declarations. */
export function optionsHelp(options: Options): string {
  const rows = Object.entries(options).map(([name, o]) => {
    const left =
      `${o.short ? `-${o.short}, ` : ''}--` +
      `${name}${o.placeholder ? ` ${o.placeholder}` : ''}${o.multiple ? ' ...' : ''}`;
    return [left, o.help] as const;
  });
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, h]) => `  ${l.padEnd(width)}  ${h}`).join('\n');
}
