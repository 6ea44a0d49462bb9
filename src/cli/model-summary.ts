/**
 * What `pruneguard inspect` reports about a model, as plain JSON-ready data:
 * op inventory, parameters, inputs/outputs and the inferred type of every value.
 */
import { constantNodeValue } from '../ir/constants.js';
import { isFloating, numel } from '../ir/tensor.js';
import { quantizedWeights } from '../prune/params.js';
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
  /** Elements of floating-point constants (initializers and Constant nodes): the weights pruning acts on. */
  parameters: number;
  parameterTensors: number;
  nodes: number;
  /** Node count per op type ("com.acme::FancyOp" outside the default domain), sorted by op. */
  ops: Record<string, number>;
  values: Record<string, ValueSummary>;
  broadcasts: { node: string; op: string; inputs: { name: string; shape: Dim[] }[]; output: Dim[]; axes: BroadcastAxis[] }[];
  problems: ShapeProblem[];
}

export function summarize(model: Model, source: string, inputShapes: Record<string, number[]>): ModelSummary {
  const g = model.graph;
  const shapes = inferShapes(model, { inputShapes });
  const inputNames = new Set(g.inputs.map((i) => i.name));
  let parameters = 0, parameterTensors = 0;
  // Floating constants, and integer ones that are quantized weights (QDQ, ConvInteger, QLinearConv...).
  const quantized = quantizedWeights(model);
  for (const [name, t] of g.initializers) {
    if (inputNames.has(name) || !(isFloating(t.dtype) || quantized.has(name))) continue;
    parameters += numel(t.dims);
    parameterTensors++;
  }
  const ops: Record<string, number> = {};
  for (const n of g.nodes) {
    const key = n.domain && n.domain !== 'ai.onnx' ? `${n.domain}::${n.opType}` : n.opType;
    ops[key] = (ops[key] ?? 0) + 1;
    if (n.opType === 'Constant' && (n.domain === '' || n.domain === 'ai.onnx')) {
      const t = constantNodeValue(n);
      if (t && (isFloating(t.dtype) || quantized.has(n.outputs[0]))) { parameters += numel(t.dims); parameterTensors++; }
    }
  }
  const values: Record<string, ValueSummary> = {};
  for (const [name, v] of shapes.values) {
    values[name] = {
      dtype: v.dtype ?? null,
      shape: v.shape ?? null,
      ...(v.unknownReason ? { unknownReason: v.unknownReason } : {}),
      ...(g.initializers.has(name) && !inputNames.has(name) ? { constant: true as const } : {}),
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
    inputs: g.inputs.filter((i) => !g.initializers.has(i.name)).map(io),
    outputs: g.outputs.map(io),
    parameters,
    parameterTensors,
    nodes: g.nodes.length,
    ops: Object.fromEntries(Object.entries(ops).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    values,
    broadcasts: shapes.broadcasts.map((b) => ({ node: b.node, op: b.op, inputs: b.inputs, output: b.output, axes: b.axes })),
    problems: shapes.problems,
  };
}

export function formatShape(shape: JsonShape): string {
  return shape ? `[${shape.map((d) => d ?? '?').join(',')}]` : '[?rank]';
}
