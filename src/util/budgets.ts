/**
 * The resource budgets hostile input meets: nothing input controls may make
 * pruneguard allocate, recurse or print past these. Each can be raised for a
 * legitimately large job through its environment variable.
 */

function fromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const v = raw === undefined ? NaN : Number(raw);
  return Number.isSafeInteger(v) && v > 0 ? v : fallback;
}

export const BUDGETS = {
  /** Elements of a generated input (random feeds for declared shapes: check, verify, inspect). */
  get feedElements(): number {
    return fromEnv('PRUNEGUARD_MAX_FEED_ELEMENTS', 2 ** 24);
  },
  /** Bytes all members of one .npz may decompress to (declared sizes, checked before inflating). */
  get dataBytes(): number {
    return fromEnv('PRUNEGUARD_MAX_DATA_BYTES', 512 * 2 ** 20);
  },
  /** Bytes of a JSON input (plan, config, data, report part). */
  get jsonBytes(): number {
    return fromEnv('PRUNEGUARD_MAX_JSON_BYTES', 256 * 2 ** 20);
  },
  /** Nesting depth of a JSON input (arrays and objects). */
  jsonDepth: 256,
  /** Bytes of a .npy header (numpy's own np.load limit). */
  npyHeaderBytes: 10_000,
  /** Problems listed in one error message before "and N more". */
  listedProblems: 10,
};

/** The environment variable that raises a budget, for messages. */
export const BUDGET_ENV = {
  feedElements: 'PRUNEGUARD_MAX_FEED_ELEMENTS',
  dataBytes: 'PRUNEGUARD_MAX_DATA_BYTES',
  jsonBytes: 'PRUNEGUARD_MAX_JSON_BYTES',
} as const;

/** Joins problems for a one-line message, listing at most BUDGETS.listedProblems and counting the rest. */
export function listProblems(problems: readonly string[], separator = '; '): string {
  const max = BUDGETS.listedProblems;
  if (problems.length <= max) return problems.join(separator);
  return `${problems.slice(0, max).join(separator)}${separator}… and ${problems.length - max} more`;
}
