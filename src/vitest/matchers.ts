/**
 * vitest matchers for users' own suites.
 * @example
 *   import 'pruneguard/vitest';
 *   expect(await checkStructure({ dense, pruned })).toSatisfyInvariants();
 */
import { expect } from 'vitest';
import type { Finding } from '../findings.js';
import { formatFindings } from '../invariants/format.js';

type FindingsLike = readonly Finding[] | { findings: readonly Finding[] };

function findingsOf(received: FindingsLike): readonly Finding[] {
  return Array.isArray(received) ? received : (received as { findings: readonly Finding[] }).findings;
}

expect.extend({
  /** Passes when there are no findings; fails listing every finding, or only those of `invariant` if given. */
  toSatisfyInvariants(received: FindingsLike, invariant?: string) {
    const all = findingsOf(received);
    const relevant = invariant ? all.filter((f) => f.invariant === invariant) : all;
    return {
      pass: relevant.length === 0,
      message: () =>
        relevant.length === 0
          ? `expected findings${invariant ? ` of ${invariant}` : ''}, got none`
          : `expected no findings${invariant ? ` of ${invariant}` : ''}, ` +
            `got ${relevant.length}:\n${formatFindings(relevant)}`,
    };
  },
  /** Passes when some finding belongs to `failureMode` (and `invariant`, if given): a fault was caught. */
  toCatch(received: FindingsLike, failureMode: string, invariant?: string) {
    const all = findingsOf(received);
    const hit = all.some((f) => f.failureMode === failureMode && (!invariant || f.invariant === invariant));
    return {
      pass: hit,
      message: () =>
        hit
          ? `expected no ${failureMode} finding, got:\n${formatFindings(all)}`
          : `expected a ${failureMode}${invariant ? `/${invariant}` : ''} finding, ` +
            `got ${all.length ? `:\n${formatFindings(all)}` : 'none'}`,
    };
  },
});

interface PruneguardMatchers<R = unknown> {
  toSatisfyInvariants(invariant?: string): R;
  toCatch(failureMode: string, invariant?: string): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  // biome-ignore lint/suspicious/noExplicitAny: declaration merging must repeat vitest's own default
  interface Assertion<T = any> extends PruneguardMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends PruneguardMatchers {}
}
