/**
 * The failure-mode registry: for each failure mode, the invariants and gates
 * that guard it and the source modules that implement them (for coverage).
 * Keyed by FailureMode and checked by the compiler, so a new failure mode
 * without an entry is a type error, not a silently empty report section.
 */
import type { FailureMode } from '../findings.js';

export interface FailureModeEntry {
  title: string;
  /** The seed's description, one line. */
  risk: string;
  /** Invariant and gate ids (as they appear in findings). */
  guards: readonly string[];
  /**
   * Source files implementing the guards: paths relative to the repo root; `*` matches within a path segment, `**`
   * across.
   */
  modules: readonly string[];
}

export const REGISTRY = {
  'accuracy-cliff': {
    title: 'Accuracy cliff',
    risk: 'Early layers over-pruned: accuracy collapses 5–10 points (or a rare class does).',
    guards: ['monotone-sensitivity-budget'],
    modules: [
      'src/invariants/monotone-sensitivity-budget.ts',
      'src/analysis/budget.ts',
      'src/analysis/profile.ts',
      'src/analysis/sensitivity*.ts',
    ],
  },
  'hardware-headroom': {
    title: 'Hidden hardware headroom',
    risk: 'The pruned model is not faster (or slower) at the production batch size on the production runtime.',
    guards: ['latency-at-production-batch', 'end-to-end-headroom', 'plan-fulfilled'],
    modules: [
      'src/analysis/latency.ts',
      'src/analysis/latency-gate.ts',
      'src/analysis/latency-stats.ts',
      'src/analysis/sparse-break-even.ts',
      'src/analysis/headroom-gate.ts',
      'src/analysis/op-profile.ts',
      'src/invariants/plan-fulfilled.ts',
    ],
  },
  'slice-regression': {
    title: 'Slice regression',
    risk: 'The aggregate metric holds while a slice (long documents, rare classes) collapses.',
    guards: ['slice-threshold'],
    modules: [
      'src/analysis/slices.ts',
      'src/analysis/slices-gate.ts',
      'src/analysis/metrics.ts',
      'src/data/evaluate.ts',
    ],
  },
  'shape-mismatch': {
    title: 'Shape mismatch',
    risk: 'Residual, skip, projection or normalization not updated: silent broadcast or a runtime dimension error.',
    guards: [
      'shape-consistency',
      'no-silent-broadcast',
      'mask-equivalence',
      'interface-consistency',
      'pruner-protocol',
    ],
    modules: [
      'src/invariants/shape-consistency.ts',
      'src/invariants/interface-consistency.ts',
      'src/check/command/**',
      'src/invariants/no-silent-broadcast.ts',
      'src/invariants/mask-equivalence.ts',
      'src/invariants/executed.ts',
      'src/shape/**',
      'src/ops/**',
      'src/prune/groups.ts',
      'src/prune/apply.ts',
      'src/prune/mask.ts',
    ],
  },
  'nm-nonconformance': {
    title: 'N:M non-conformance',
    risk: '2:4 pattern broken, on the wrong axis, or dimensions that disable sparse kernels.',
    guards: ['nm-conformance'],
    modules: ['src/invariants/nm-conformance.ts', 'src/prune/masks/**'],
  },
  'quantization-compounding': {
    title: 'Quantization compounding',
    risk: 'Quantizing a pruned model with stale (pre-pruning) calibration.',
    guards: ['calibration-freshness'],
    modules: ['src/analysis/quantize/**'],
  },
} as const satisfies Record<FailureMode, FailureModeEntry>;

/** Does a repo-relative path match a module pattern? */
export function matchesModule(path: string, pattern: string): boolean {
  const re = pattern
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*/g, '\u0000')
    .replace(/\*/g, '[^/]*')
    .split('\u0000')
    .join('.*');
  return new RegExp(`^${re}$`).test(path) && !/\.test\.ts$|\.test-helpers\.ts$/.test(path);
}
