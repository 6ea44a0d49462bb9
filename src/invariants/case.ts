/** What every structural invariant looks at: a dense model, its pruned version, and how it was pruned. */
import type { Model } from '../ir/types.js';
import type { Feeds } from '../runtime/run.js';
import type { ShapeResult } from '../shape/types.js';
import type { Oracle } from './mask-oracle.js';

/** A dense model, its plan and the pruned model: what the invariants check. */
export interface PruneCase {
  dense: Model;
  pruned: Model;
  /** The plan that produced `pruned` (src/prune/plan.ts); structural invariants do not need it. */
  plan?: unknown;
  /**
   * Concrete input shapes at which to execute both models. When absent, they are
   * derived from the dense inputs: symbolic dims take each of `dimValues` in turn.
   */
  sizes?: Record<string, number[]>[];
  /** Real inputs to execute at (e.g. `check --inputs FILE.npz`), used instead of `sizes`. */
  feeds?: Feeds[];
  /** What messages call the dense model (its file), e.g. when it cannot run on the inputs. */
  denseSource?: string;
  /** Integer inputs are token ids below this bound (default 10). */
  vocab?: number;
  /** Static shapes of the dense model when the caller already has them (e.g. from its group analysis). */
  denseShapes?: ShapeResult;
  /** The mask oracle of `plan` when the caller already built it (see mask-oracle.ts). */
  oracle?: Oracle;
  /** pruneguard's own pruning of `dense` by `plan` when the caller already made it (see plan-reference.ts). */
  reference?: Model;
}

/** Input sizes for executing a model: every symbolic or unknown dim set to each value in turn. */
export function deriveSizes(model: Model, dimValues: readonly number[] = [1, 3]): Record<string, number[]>[] {
  const initializers = model.graph.initializers;
  const inputs = model.graph.inputs.filter((i) => !initializers.has(i.name));
  return dimValues.map((v, k) =>
    Object.fromEntries(
      inputs.map((i) => [
        i.name,
        (i.shape ?? []).map((d, axis) => (typeof d === 'number' ? d : axis === 0 ? v : v + 2 + k)),
      ]),
    ),
  );
}
