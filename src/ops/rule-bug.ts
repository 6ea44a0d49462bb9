/**
 * A rule that throws is a bug in pruneguard, never a property of the model: it is
 * not turned into "blocked" or "unknown shape" (that would hide the bug behind a
 * plausible answer). It propagates as a plain Error, which the CLI reports as an
 * internal error (exit 3) with the stack, naming the rule and the node.
 */
export class RuleBug extends Error {
  constructor(what: string, cause: unknown) {
    const inner = cause instanceof Error ? cause : new Error(String(cause));
    super(`${what} threw ${inner.name}: ${inner.message}`, { cause });
    this.name = 'RuleBug';
    // Keep the frames where the rule failed, not where it was called.
    const frames = inner.stack?.split('\n').filter((l) => /^\s+at /.test(l)) ?? [];
    this.stack = [`${this.name}: ${this.message}`, ...frames].join('\n');
  }
}

/** Runs one rule; an exception becomes a RuleBug naming `what` (e.g. "channel rule of Conv conv1"). */
export function runRule<T>(what: () => string, rule: () => T): T {
  try {
    return rule();
  } catch (e) {
    throw new RuleBug(what(), e);
  }
}
