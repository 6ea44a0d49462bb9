/**
 * What `pruneguard inspect` reports about a model, as plain JSON-ready data:
 * op inventory, parameters, inputs/outputs and the inferred type of every value.
 */
import { isFedInput } from '../ir/graph-index.js';
import { forEachScope } from '../ir/scopes.js';
import { storedWeights } from '../ir/weights.js';
import { countParams } from '../prune/params.js';
import type { Dim, Model, ValueInfo } from '../ir/types.js';
import { inferShapes } from '../shape/infer.js';
import type { BroadcastAxis, ShapeProblem } from '../shape/types.js';

/** Symbolic dims as strings, concrete as numbers, unknown as null; a null shape is an unknown rank. */
export type JsonShape = Dim[] | null;

export interface ValueSummary {
  dtype: string | null;
  shape: JsonShape;
  unknownReason?: string;
  /** Set for initializers (weights and other stored constants). */
  constant?: true;
}

export interface ModelSummary {
  model: string;
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producer: string;
  inputs: ({ name: string } & ValueSummary)[];
  outputs: ({ name: string } & ValueSummary)[];
  /** Elements of stored parameters in every scope (see `ir/weights.ts`), old-IR weights listed as inputs included. */
  parameters: number;
  parameterTensors: number;
  nodes: number;
  /** Node count per op type ("com.acme::FancyOp" outside the default domain), sorted by op. */
  ops: Record<string, number>;
  values: Record<string, ValueSummary>;
  broadcasts: {
    node: string;
    op: string;
    inputs: { name: string; shape: Dim[] }[];
    output: Dim[];
    axes: BroadcastAxis[];
  }[];
  problems: ShapeProblem[];
}

export function summarize(model: Model, source: string, inputShapes: Record<string, number[]>): ModelSummary {
  const g = model.graph;
  const shapes = inferShapes(model, { inputShapes });
  const fed = new Set(g.inputs.filter((i) => isFedInput(g, i.name)).map((i) => i.name));
  const weights = storedWeights(model);
  // One count with prune's report (countParams): quantized integer weights as the op registry declares them.
  const parameters = countParams(model);
  const parameterTensors = weights.length;
  const ops: Record<string, number> = {};
  forEachScope(g, (scope) => {
    for (const n of scope.nodes) {
      const key = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}::${n.opType}` : n.opType;
      ops[key] = (ops[key] ?? 0) + 1;
    }
  });
  const values: Record<string, ValueSummary> = {};
  for (const [name, v] of shapes.values) {
    values[name] = {
      dtype: v.dtype ?? null,
      shape: v.shape ?? null,
      ...(v.unknownReason ? { unknownReason: v.unknownReason } : {}),
      ...(g.initializers.has(name) && !fed.has(name) ? { constant: true as const } : {}),
    };
  }
  const io = (vi: ValueInfo): { name: string } & ValueSummary => {
    const v = values[vi.name];
    return { name: vi.name, dtype: v?.dtype ?? vi.dtype ?? null, shape: v?.shape ?? vi.shape ?? null };
  };
  return {
    model: source,
    irVersion: model.irVersion,
    opsets: model.opsetImports.map((o) => ({ domain: o.domain || 'ai.onnx', version: o.version })),
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' '),
    inputs: g.inputs.filter((i) => fed.has(i.name)).map(io),
    outputs: g.outputs.map(io),
    parameters,
    parameterTensors,
    nodes: Object.values(ops).reduce((a, b) => a + b, 0),
    ops: Object.fromEntries(Object.entries(ops).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    values,
    broadcasts: shapes.broadcasts.map((b) => ({
      node: b.node,
      op: b.op,
      inputs: b.inputs,
      output: b.output,
      axes: b.axes,
    })),
    problems: shapes.problems,
  };
}

export function formatShape(shape: JsonShape): string {
  return shape ? `[${shape.map((d) => d ?? '?').join(',')}]` : '[?rank]';
}
