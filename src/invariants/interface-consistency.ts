/**
 * interface-consistency: the graph inputs and outputs that change are exactly those the plan
 * changes. A plan's interface changes are what pruneguard's pruner changes for it (e.g. a
 * KV-cache input losing heads); every other input and output keeps its name, element type and
 * declared shape, and none appears or disappears. A serving stack binds inputs and outputs by
 * name and shape: an unlisted change breaks it at load time or, worse, reshapes silently.
 */
import type { Finding } from '../findings.js';
import type { Model, ValueInfo } from '../ir/types.js';
import { formatShape } from '../ir/format.js';
import type { PruneCase } from './case.js';
import { planReference } from './plan-reference.js';

const F = { invariant: 'interface-consistency', failureMode: 'shape-mismatch' } as const;

type Side = 'input' | 'output';

/** Invariant: the pruned model keeps the dense model's inputs and outputs (names, dtypes, ranks). */
export function interfaceConsistency(c: PruneCase): Finding[] {
  const reference = c.plan ? planReference(c) : c.dense;
  if (!reference)
    return [
      {
        ...F,
        severity: 'warning',
        message: "not checked: pruneguard's pruner refuses this plan, so its interface changes are unknown",
      },
    ];
  const findings: Finding[] = [];
  for (const side of ['input', 'output'] as const) {
    const dense = ports(c.dense, side);
    const want = ports(reference, side);
    const got = ports(c.pruned, side);
    for (const name of new Set([...dense.keys(), ...want.keys(), ...got.keys()])) {
      const [d, w, g] = [dense.get(name), want.get(name), got.get(name)];
      if (w === g) continue;
      const listed = d !== w ? `the plan changes it to ${w ?? 'nothing'}` : 'the plan does not change it';
      findings.push({
        ...F,
        where: name,
        message:
          g === undefined
            ? `graph ${side} '${name}' disappeared (${listed})`
            : d === undefined && w === undefined
              ? `graph ${side} '${name}' ${g} appeared; the plan adds no ${side}`
              : `graph ${side} '${name}' is ${g}, was ${d ?? 'absent'}; ${listed}`,
        expected: w ?? 'absent',
        received: g ?? 'absent',
      });
    }
  }
  return findings;
}

/** Graph inputs (not initializers) or outputs: name -> "dtype[shape]". */
function ports(model: Model, side: Side): Map<string, string> {
  const list: ValueInfo[] =
    side === 'input' ? model.graph.inputs.filter((i) => !model.graph.initializers.has(i.name)) : model.graph.outputs;
  return new Map(list.map((v) => [v.name, `${v.dtype ?? '?'}${formatShape(v.shape)}`]));
}
