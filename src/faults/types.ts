/**
 * A fault injector: a deliberately wrong pruner reproducing a real bug. Each
 * names the bug, the failure mode it belongs to, the invariants expected to
 * catch it, and the graphs/plans where it can occur. When a case offers no
 * place for the bug, the injector returns the correct pruning.
 */
import type { Family } from '../arbitraries/graph.js';
import type { PlanConstraints } from '../arbitraries/plan.js';
import type { FailureMode } from '../findings.js';
import type { Model } from '../ir/types.js';
import type { Plan } from '../prune/plan.js';

/** A fault injector: a pruner that makes one known mistake, and the invariants that must catch it. */
export interface Fault {
  id: string;
  /** The real bug, in one sentence. */
  bug: string;
  failureMode: FailureMode;
  /** Invariants that must catch it (any of them). */
  caughtBy: readonly string[];
  /** The invariants the self-test runs on it (default: GUARDS of its failure mode). */
  guards?: readonly string[];
  families: readonly Family[];
  plans: PlanConstraints;
  prune(dense: Model, plan: Plan): Model;
}
