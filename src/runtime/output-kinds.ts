/**
 * How each graph output must be compared between two runs that differ by rounding (a pruned model
 * and its mask oracle), found from the graph (the ops that produce the output), never from names:
 *
 * - **precision**: the coarsest float type the output's value is computed through (its own dtype,
 *   the inputs and weights it depends on, Cast targets). An output of a model whose weights are
 *   float16 is only as precise as float16, whatever its own dtype.
 * - **decision**: the output depends on a discrete decision (ArgMax, TopK/MaxPool indices,
 *   NonMaxSuppression, NonZero, comparisons, rounding, quantization, a float→integer Cast) taken on
 *   *computed* values (values that depend on weights through arithmetic). Rounding can flip such a
 *   decision (a peak found by `Equal(x, MaxPool(x))` moves one pixel), so these outputs are judged
 *   by the share of elements that agree. Decisions on values that pruning cannot change (an
 *   attention mask from the inputs, a causal buffer sliced from a constant) do not count.
 *
 * Subgraphs are followed (`output-trace.ts`): an `If` output is either branch's, and a branch chosen
 * by a decision on computed values makes that decision the output's too; Loop and Scan bodies
 * likewise.
 */
import type { DType, Model } from '../ir/types.js';
import { traceGraph, type Trace } from './output-trace.js';
import { coarser, isFloatDType, type FloatDType } from './tolerance.js';

export interface OutputKind {
  name: string;
  dtype?: DType;
  /** Coarsest float type on the way (float32 when the output depends on no float at all). */
  precision: FloatDType;
  /** The first discrete decision on computed values that the output depends on. */
  decision?: { node: string; op: string };
}

/** How each graph output of `model` is judged: its precision, and the discrete decision it depends on, if any. */
export function outputKinds(model: Model): OutputKind[] {
  const g = model.graph;
  const traces = new Map<string, Trace>();
  for (const i of g.inputs)
    if (!g.initializers.has(i.name))
      traces.set(i.name, { computed: false, weight: false, precision: isFloatDType(i.dtype) ? i.dtype : undefined });
  traceGraph(g, traces);
  return g.outputs.map((o) => {
    const t = traces.get(o.name);
    const precision = coarser(t?.precision, isFloatDType(o.dtype) ? o.dtype : undefined) ?? 'float32';
    return {
      name: o.name,
      ...(o.dtype ? { dtype: o.dtype } : {}),
      precision,
      ...(t?.decision ? { decision: t.decision } : {}),
    };
  });
}
