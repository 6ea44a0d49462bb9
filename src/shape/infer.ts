/**
 * Static shape inference over the graph IR: one pass in topological order, each
 * node handled by its op's shape rule (see src/ops/registry.ts). Unknown ops and unknown inputs
 * give unknown outputs with a reason; problems are collected as data.
 *
 * @example
 * const { values, problems } = inferShapes(model, { inputShapes: { input: [1, 3, 32, 32] } });
 */
import { graphProblems } from './graph-problems.js';
import { nestedOf } from '../ir/flat-scopes.js';
import { PruneguardError } from '../errors.js';
import { isFedInput, topologicalOrder } from '../ir/graph-index.js';
import { defaultOpset, type Dim, type DType, type Graph, type Model, type Node, type Tensor } from '../ir/types.js';
import type { OpContext } from './context.js';
import { CONTROL_FLOW, ifBranchTaken, type ScopeInfer } from './control-flow.js';
import { normalizeDim } from './dims.js';
import { opDef } from '../ops/registry.js';
import { RuleBug } from '../ops/rule-bug.js';
import type {
  BranchPoint,
  BroadcastSignature,
  InferOptions,
  ShapeProblem,
  ShapeResult,
  SymbolicValue,
  ValueType,
} from './types.js';
import { isConcrete, tensorOfValue, valueOfTensor } from './values.js';

class State implements OpContext {
  node!: Node;
  label = '';
  readonly values = new Map<string, ValueType>();
  readonly constants = new Map<string, Tensor>();
  readonly symbolic = new Map<string, SymbolicValue>();
  readonly broadcasts: BroadcastSignature[] = [];
  readonly problems: ShapeProblem[] = [];
  readonly branchPoints: BranchPoint[] = [];
  constructor(readonly opset: number) {}

  has(i: number): boolean {
    const n = this.node.inputs[i];
    return n !== undefined && n !== '';
  }
  type(i: number): ValueType | undefined {
    return this.has(i) ? this.values.get(this.node.inputs[i]) : undefined;
  }
  shape(i: number): Dim[] | undefined {
    return this.type(i)?.shape;
  }
  dtype(i: number): DType | undefined {
    return this.type(i)?.dtype;
  }
  value(i: number): SymbolicValue | undefined {
    if (!this.has(i)) return undefined;
    const name = this.node.inputs[i];
    const v = this.symbolic.get(name);
    if (v) return v;
    const t = this.constants.get(name);
    return t ? valueOfTensor(t) : undefined;
  }
  ints(i: number): number[] | undefined {
    const v = this.value(i);
    return v && isConcrete(v) ? (v.values as number[]) : undefined;
  }
  tensor(i: number): Tensor | undefined {
    return this.has(i) ? this.constants.get(this.node.inputs[i]) : undefined;
  }
  problem(rule: string, message: string): void {
    const inputShapes = this.node.inputs.map((n) => (n ? this.values.get(n)?.shape : undefined));
    this.problems.push({ node: this.label, op: this.node.opType, rule, message, inputShapes });
  }
  broadcast(sig: Omit<BroadcastSignature, 'node' | 'op'>): void {
    this.broadcasts.push({ node: this.label, op: this.node.opType, ...sig });
  }
  setTensor(i: number, t: Tensor): void {
    const name = this.node.outputs[i];
    if (!name) return;
    this.constants.set(name, t);
    const v = valueOfTensor(t);
    if (v) this.symbolic.set(name, v);
  }
  setValue(i: number, value: SymbolicValue): void {
    const name = this.node.outputs[i];
    if (!name) return;
    const values = value.values.map(normalizeDim);
    const v = { ...value, values };
    this.symbolic.set(name, v);
    const t = tensorOfValue(v);
    if (t) this.constants.set(name, t);
  }
}

/** Infers every value's dtype and shape (symbolic where dims are free), with broadcast signatures and problems. */
export function inferShapes(view: Model, options: InferOptions = {}): ShapeResult {
  // A flat view (the pruner's one namespace over all scopes) is inferred as the nested model it views.
  const model = nestedOf(view);
  const graph = model.graph;
  const st = new State(defaultOpset(model));
  seedInputs(graph, st, options);
  for (const node of executionOrder(graph)) runNode(st, node);
  return {
    values: st.values,
    broadcasts: st.broadcasts,
    problems: [...graphProblems(graph), ...st.problems],
    constants: st.constants,
    branchPoints: st.branchPoints,
  };
}

function seedInputs(graph: Graph, st: State, options: InferOptions): void {
  const fixed = options.inputShapes ?? {};
  const inputNames = new Set(graph.inputs.map((i) => i.name));
  for (const name of Object.keys(fixed)) {
    if (!inputNames.has(name)) {
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `inputShapes names "${name}", which is not a graph input (inputs: ${[...inputNames].join(', ')})`,
      );
    }
  }
  for (const [name, t] of graph.initializers) {
    // An initializer listed as an input (old IR) is a weight, its contents known, unless it is fed.
    if (inputNames.has(name) && isFedInput(graph, name)) continue;
    st.values.set(name, { dtype: t.dtype, shape: [...t.dims] });
    st.constants.set(name, t);
  }
  for (const input of graph.inputs) {
    let shape = input.shape ? input.shape.map(normalizeDim) : undefined;
    const f = fixed[input.name];
    if (f) {
      if (shape && shape.length !== f.length) {
        throw new PruneguardError(
          'E_BAD_ARGUMENT',
          `inputShapes.${input.name} has rank ${f.length}, the model declares rank ${shape.length}`,
        );
      }
      shape = [...f];
    }
    if (!isFedInput(graph, input.name)) continue;
    const init = graph.initializers.get(input.name);
    if (!shape && init) shape = [...init.dims];
    const type: ValueType = { dtype: input.dtype ?? init?.dtype };
    if (shape) type.shape = shape;
    else type.unknownReason = `graph input ${input.name} has no declared shape`;
    st.values.set(input.name, type);
  }
}

/** Graph order when it is already topological (the usual case), else a sorted copy. */
function executionOrder(graph: Graph): Node[] {
  const produced = new Set<string>();
  const all = new Set<string>();
  for (const n of graph.nodes) for (const o of n.outputs) all.add(o);
  for (const n of graph.nodes) {
    for (const i of n.inputs) if (i && all.has(i) && !produced.has(i)) return topologicalOrder(graph);
    for (const o of n.outputs) produced.add(o);
  }
  return graph.nodes;
}

/**
 * Infers a subgraph of `node` in the node's scope: every outer value's type and known contents are
 * visible, the subgraph's formal inputs take `formal` (or their declared types). Problems and
 * broadcasts inside are reported under `NODE > ATTRIBUTE > inner node`.
 */
function scopeInfer(outer: State, node: Node, label: string): ScopeInfer {
  return (attr, formal) => {
    const g = node.subgraphs?.[attr];
    if (!g) return undefined;
    const st = new State(outer.opset);
    for (const [k, v] of outer.values) st.values.set(k, v);
    for (const [k, v] of outer.constants) st.constants.set(k, v);
    for (const [k, v] of outer.symbolic) st.symbolic.set(k, v);
    g.inputs.forEach((input, i) => {
      const declared: ValueType = input.shape
        ? { dtype: input.dtype, shape: input.shape.map(normalizeDim) }
        : { dtype: input.dtype, unknownReason: `subgraph input ${input.name} has no declared shape` };
      st.values.set(input.name, formal[i] ?? declared);
      st.constants.delete(input.name);
      st.symbolic.delete(input.name);
    });
    for (const [name, t] of g.initializers) {
      st.values.set(name, { dtype: t.dtype, shape: [...t.dims] });
      st.constants.set(name, t);
    }
    for (const inner of executionOrder(g)) runNode(st, inner);
    // The subgraph's own values (and those of scopes nested in it) are results too: the pruner reads
    // them by name (scope names are distinct). A value not redefined here is the outer one itself.
    for (const [k, v] of st.values) if (outer.values.get(k) !== v) outer.values.set(k, v);
    for (const [k, t] of st.constants) if (outer.constants.get(k) !== t) outer.constants.set(k, t);
    for (const p of st.problems) outer.problems.push({ ...p, node: `${label} > ${attr} > ${p.node}` });
    for (const b of st.broadcasts) outer.broadcasts.push({ ...b, node: `${label} > ${attr} > ${b.node}` });
    for (const b of st.branchPoints) outer.branchPoints.push({ ...b, scope: `${label} > ${attr} > ${b.scope}` });
    return g.outputs.map(
      (o) => st.values.get(o.name) ?? { unknownReason: `subgraph output ${o.name} is never produced` },
    );
  };
}

function runNode(st: State, node: Node): void {
  st.node = node;
  st.label = node.name || node.outputs[0] || node.opType;
  let out: ValueType[];
  const rule = opDef(node.opType, node.domain)?.shape;
  const flow =
    (node.domain === '' || node.domain === 'ai.onnx') && node.subgraphs ? CONTROL_FLOW[node.opType] : undefined;
  if (flow) {
    try {
      out = flow(st, scopeInfer(st, node, st.label));
      if (node.opType === 'If') {
        const branches = Object.keys(node.subgraphs ?? {});
        st.branchPoints.push({ scope: '', node: st.label, branches, taken: ifBranchTaken(st) });
      }
    } catch (e) {
      out = node.outputs.map(() => ({
        unknownReason: `shape rule for ${node.opType} failed: ${(e as Error).message}`,
      }));
    }
  } else if (!rule) {
    const op = node.domain ? `${node.domain}::${node.opType}` : node.opType;
    out = node.outputs.map(() => ({ unknownReason: `unknown op ${op} at node ${st.label}` }));
  } else {
    // A rule that throws is a bug, not an unknown shape: it surfaces (exit 3 in the CLI) instead of hiding.
    try {
      out = rule(st);
    } catch (e) {
      throw new RuleBug(`shape rule of ${node.opType} ${st.label}`, e);
    }
  }
  for (let i = 0; i < node.outputs.length; i++) {
    const name = node.outputs[i];
    if (!name) continue;
    st.values.set(name, out[i] ?? { unknownReason: `${node.opType} rule gave no type for output ${i}` });
  }
}
