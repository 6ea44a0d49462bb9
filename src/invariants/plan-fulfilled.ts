/**
 * plan-fulfilled: the pruned model removed exactly what the plan asked for. Every stored
 * tensor the plan slices has the reference's shape (a tensor left at its dense width is
 * under-removal, a narrower one over-removal), the parameter count equals the reference's, and
 * every unstructured mask zeroes at least as many weights as the plan's sparsity asks. A pruned
 * model identical in size to the dense one when the plan removes something is a silent no-op.
 * Tensors are matched by name: a pruner that renames weights is judged by its parameter count (and a
 * masked weight it renamed is found by the node that reads it).
 *
 * Failure mode hardware-headroom: a model that is not as small as its plan says is served with a
 * speedup and memory budget it does not have (the seed's "masks never applied").
 */
import type { Finding } from '../findings.js';
import { constantValue } from '../ir/constants.js';
import { indexGraph } from '../ir/graph-index.js';
import { renamedTensor } from '../ir/structural-keys.js';
import { isFloating, numel } from '../ir/tensor.js';
import type { Model, Tensor } from '../ir/types.js';
import type { Plan } from '../prune/plan.js';
import { countParams } from '../prune/params.js';
import type { PruneCase } from './case.js';
import { planReference } from './plan-reference.js';

const F = { invariant: 'plan-fulfilled', failureMode: 'hardware-headroom' } as const;

/** Invariant: the pruned model removed what the plan asked, no more and no less. */
export function planFulfilled(c: PruneCase): Finding[] {
  const reference = planReference(c);
  if (!reference) {
    return c.plan
      ? [
          {
            ...F,
            severity: 'warning',
            message: "not checked: pruneguard's pruner refuses this plan, so there is nothing to compare with",
          },
        ]
      : [];
  }
  const plan = c.plan as Plan;
  const findings: Finding[] = [];
  const idx = {
    dense: indexGraph(c.dense.graph),
    ref: indexGraph(reference.graph),
    pruned: indexGraph(c.pruned.graph),
  };
  const [before, want, got] = paramCounts(c.dense, reference, c.pruned, idx);
  if (want < before && got === before) {
    findings.push({
      ...F,
      where: 'model',
      message:
        `silent no-op: the plan removes ${before - want} of ${before} parameters, ` +
        `the pruned model still has all ${before}`,
      expected: want,
      received: got,
    });
  } else if (got !== want) {
    const what =
      got > want
        ? `removed ${before - got} parameters, the plan asks for ${before - want} (under-removal)`
        : `removed ${before - got} parameters, the plan asks for only ${before - want} (over-removal)`;
    findings.push({ ...F, where: 'model', message: what, expected: want, received: got });
  }
  for (const name of storedNames(reference)) {
    const d = constantValue(c.dense.graph, name, idx.dense);
    const r = constantValue(reference.graph, name, idx.ref);
    const p = constantValue(c.pruned.graph, name, idx.pruned);
    if (!d || !r || !p || d.dims.join() === r.dims.join()) continue;
    if (p.dims.join() !== r.dims.join()) {
      const left = p.dims.join() === d.dims.join() ? ' (left at its dense shape)' : '';
      findings.push({
        ...F,
        where: name,
        message: `'${name}' has shape [${p.dims.join(',')}], the plan makes it [${r.dims.join(',')}]${left}`,
        expected: r.dims,
        received: p.dims,
      });
    }
  }
  for (const spec of plan.unstructured ?? []) {
    if (!('tensor' in spec)) continue;
    const r = constantValue(reference.graph, spec.tensor, idx.ref);
    const renamed = () => renamedTensor(c.dense, c.pruned, spec.tensor);
    const p =
      constantValue(c.pruned.graph, spec.tensor, idx.pruned) ??
      constantValue(c.pruned.graph, renamed() ?? '', idx.pruned);
    if (!r || !p) continue;
    const [want0, got0] = [zeros(r), zeros(p)];
    if (got0 < want0)
      findings.push({
        ...F,
        where: spec.tensor,
        message: `'${spec.tensor}' has ${got0} zeros, sparsity ${spec.sparsity} asks for ${want0}`,
        expected: want0,
        received: got0,
      });
  }
  return findings;
}

type Indexes = Record<'dense' | 'ref' | 'pruned', ReturnType<typeof indexGraph>>;

/**
 * Parameters of the dense model, the reference and the pruned model, counted over the dense
 * model's stored tensors that all three keep under their names: un-shared copies a pruner makes
 * (pruneguard's own re-creates exporter-shared constants) are not parameters the plan removes.
 * A pruner that renames most weights is counted in total instead.
 */
function paramCounts(dense: Model, reference: Model, pruned: Model, idx: Indexes): [number, number, number] {
  const names = storedNames(dense).filter((n) =>
    isFloating(constantValue(dense.graph, n, idx.dense)?.dtype ?? 'int64'),
  );
  const common = names.filter(
    (n) => constantValue(reference.graph, n, idx.ref) && constantValue(pruned.graph, n, idx.pruned),
  );
  if (common.length * 2 < names.length) return [countParams(dense), countParams(reference), countParams(pruned)];
  const sum = (m: Model, index: ReturnType<typeof indexGraph>) =>
    common.reduce((s, n) => s + numel(constantValue(m.graph, n, index)!.dims), 0);
  return [sum(dense, idx.dense), sum(reference, idx.ref), sum(pruned, idx.pruned)];
}

function storedNames(model: Model): string[] {
  return [
    ...model.graph.initializers.keys(),
    ...model.graph.nodes.filter((n) => n.opType === 'Constant').flatMap((n) => n.outputs),
  ];
}

function zeros(t: Tensor): number {
  const data = t.data as ArrayLike<number>;
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) n++;
  return n;
}
