/**
 * Prefix reuse for the sweep. Gating a group changes nothing upstream of its
 * gates, so the dense pass's activations where the gated part of the graph
 * begins (the "cut") are the same for every variant of that group. A suffix
 * model takes those cut values as inputs and holds only the nodes downstream
 * of the group's gates: a variant then costs the suffix, not a forward pass
 * (the classifier's group costs one Gemm instead of the whole network).
 *
 * Cut values are kept for the whole evaluation set, so suffix mode is used
 * only when their size is known and fits a memory budget.
 */
import type { ShapeResult } from '../shape/types.js';
import { indexGraph } from '../ir/graph-index.js';
import type { Model, Node, Tensor, ValueInfo } from '../ir/types.js';

export interface Suffix {
  model: Model;
  /** Values produced by the dense pass that the suffix reads (its extra graph inputs). */
  cuts: string[];
  /** Original graph inputs the suffix still reads (fed from the data). */
  inputs: string[];
  /** Bytes per example of the cut values. */
  bytesPerExample: number;
}

const BYTES: Record<string, number> = {
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  uint64: 8,
  int32: 4,
  uint32: 4,
  int16: 2,
  uint16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/**
 * The part of `gated` downstream of `gateInputs` that `output` depends on, or
 * undefined when the gates do not reach the output, or a cut value's dtype or
 * per-example size is not known statically.
 */
export function suffixModel(
  gated: Model,
  gateInputs: readonly string[],
  output: string,
  shapes: ShapeResult,
  otherGates: ReadonlySet<string> = new Set(),
): Suffix | 'unaffected' | undefined {
  // Other groups' gates stay open in this group's variants: drop their Muls, so the suffix costs no more than the dense
  // layers.
  const bypass = new Map<string, string>();
  for (const n of gated.graph.nodes)
    if (n.opType === 'Mul' && n.domain === '' && otherGates.has(n.inputs[1])) bypass.set(n.outputs[0], n.inputs[0]);
  const resolve = (x: string) => {
    while (bypass.has(x)) x = bypass.get(x)!;
    return x;
  };
  const graph = {
    ...gated.graph,
    nodes: gated.graph.nodes
      .filter((n) => !bypass.has(n.outputs[0]))
      .map((n) => ({ ...n, inputs: n.inputs.map(resolve) })),
  };
  const index = indexGraph(graph);
  const affected = new Set<Node>();
  const dirty = new Set<string>(gateInputs);
  const queue = [...gateInputs];
  while (queue.length) {
    const v = queue.pop()!;
    for (const u of index.consumers.get(v) ?? []) {
      if (affected.has(u.node)) continue;
      affected.add(u.node);
      for (const o of u.node.outputs)
        if (o && !dirty.has(o)) {
          dirty.add(o);
          queue.push(o);
        }
    }
  }
  if (!dirty.has(output)) return 'unaffected';
  // Only what the output needs.
  const needed = new Set<Node>();
  const back = [output];
  while (back.length) {
    const p = index.producer.get(back.pop()!);
    if (!p || needed.has(p) || !affected.has(p)) continue;
    needed.add(p);
    back.push(...p.inputs.filter((i) => i && dirty.has(i)));
  }
  const constants = new Set<Node>();
  const initializers = new Map<string, Tensor>();
  const cuts: string[] = [];
  const inputs: ValueInfo[] = [];
  const declared = new Set<string>();
  let bytesPerExample = 0;
  for (const n of needed) {
    for (const name of n.inputs) {
      if (!name || declared.has(name) || (dirty.has(name) && !gateInputs.includes(name))) continue;
      declared.add(name);
      const p = index.producer.get(name);
      const graphInput = graph.inputs.find((i) => i.name === name);
      if (otherGates.has(name)) return undefined; // cannot happen once bypassed; refuse rather than feed garbage
      const known = shapes.constants.get(name);
      if (graphInput) inputs.push(graphInput);
      else if (!p && graph.initializers.has(name)) initializers.set(name, graph.initializers.get(name)!);
      else if (p && p.opType === 'Constant' && p.domain === '') constants.add(p);
      // Folded by shape inference (an Identity alias of a weight, a static shape vector): a constant here.
      else if (known) initializers.set(name, known);
      else {
        const type = shapes.values.get(name);
        const perExample = type?.shape?.slice(1);
        if (
          !type?.dtype ||
          !perExample ||
          perExample.some((d) => typeof d !== 'number') ||
          BYTES[type.dtype] === undefined
        )
          return undefined;
        bytesPerExample += (perExample as number[]).reduce((a, b) => a * b, 1) * BYTES[type.dtype];
        cuts.push(name);
        inputs.push({ name, dtype: type.dtype, shape: [...type.shape!] });
      }
    }
  }
  const nodes = graph.nodes.filter((n) => needed.has(n) || constants.has(n));
  const outputs = graph.outputs.filter((o) => o.name === output);
  return {
    model: { ...gated, graph: { ...graph, nodes, inputs, outputs, initializers, valueInfo: [] } },
    cuts,
    inputs: inputs.filter((i) => !cuts.includes(i.name) && !gateInputs.includes(i.name)).map((i) => i.name),
    bytesPerExample,
  };
}
