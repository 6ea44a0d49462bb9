/**
 * The gated model behind the fast sensitivity sweep. For a mask-exact group,
 * removing channels computes exactly what zeroing them where they enter
 * consumer weights computes (src/prune/mask.ts). So instead of one pruned model
 * and one session per variant, every entry weight W of a probed group is read
 * through `Mul(W, gate)`, with `gate` a new graph input shaped [1,…,C,…,1]
 * along the entry axis: one warm session serves every variant, fed all-ones
 * gates (the dense model) except the probed group's, which carry zeros at the
 * removed channels' positions.
 */
import { attrInt } from '../ir/attrs.js';
import { aliasesOf, constantSource, constantValue } from '../ir/constants.js';
import { indexGraph } from '../ir/graph-index.js';
import type { DType, Model, Node } from '../ir/types.js';
import type { Group, GroupAnalysis } from '../prune/groups.js';
import { freshName } from '../prune/prepare.js';

/** One gate input of the gated model: where a group's channels enter one weight. */
export interface Gate {
  /** Graph input name. */
  input: string;
  dtype: 'float32' | 'float16';
  /** Broadcastable shape: 1 everywhere except the gated axis. */
  dims: number[];
  /** Positions along the gated axis for each channel of the group. */
  positions: number[][];
  /** Gated on the weight itself, or on the activation the weight's axis contracts with. */
  at: 'weight' | 'activation';
}

export interface GatedModel {
  model: Model;
  /** Gates per gated group id (every group given, except those that could not be gated). */
  gates: Map<string, Gate[]>;
  /** Groups that could not be gated, with why (they fall back to real pruning). */
  ungated: { group: string; reason: string }[];
}

const GATE_DTYPES = new Set<DType>(['float32', 'float16']);

/** Why a group cannot be probed through gates, or undefined when it can. */
export function gateRefusal(group: Group): string | undefined {
  if (!group.maskExact) return `not mask-exact: ${group.inexact.slice(0, 2).join('; ')}`;
  if (!group.members.some((m) => m.entry)) return 'no stored entry weight to gate';
  return undefined;
}

/**
 * Where a weight's input axis meets its activation: zeroing W[:, c] of a Conv
 * equals zeroing input channel c (padding is zero too); zeroing the contracted
 * rows of a Gemm/MatMul weight equals zeroing those features of the other
 * operand. Gating the activation keeps the weight constant, so onnxruntime
 * still fuses BatchNorm and lays the Conv out for its fast kernels (a weight
 * fed through Mul is not constant and loses both: measured 1.4× slower per pass
 * on the digits CNN). Returns the activation slot and gate shape, or undefined.
 */
function activationSite(
  node: Node,
  slot: number,
  axis: number,
  weightRank: number,
  k: number,
): { dims: number[] } | undefined {
  if (node.domain !== '' || slot !== 1) return undefined;
  if (node.opType === 'Conv' && axis === 1 && attrInt(node, 'group', 1) === 1)
    return { dims: Array.from({ length: weightRank }, (_, i) => (i === 1 ? k : 1)) };
  if (node.opType === 'Gemm' && axis === (attrInt(node, 'transB', 0) ? 1 : 0))
    return { dims: attrInt(node, 'transA', 0) ? [k, 1] : [1, k] };
  if (node.opType === 'MatMul' && weightRank >= 2 && axis === weightRank - 2) return { dims: [k] };
  return undefined;
}

interface Insert {
  before?: Node;
  afterOutput?: string;
  nodes: Node[];
}

/**
 * Builds the gated model from the analysis' own prepared copy (the names the
 * groups refer to). The analysis model is not mutated. `prefer: 'weight'`
 * gates every weight itself (tests use it to check both forms).
 */
export function gateModel(
  analysis: GroupAnalysis,
  groups: readonly Group[],
  options: { prefer?: 'activation' | 'weight' } = {},
): GatedModel {
  const src = analysis.model;
  const graph = {
    ...src.graph,
    nodes: src.graph.nodes.map((n) => ({ ...n, inputs: [...n.inputs] })),
    inputs: [...src.graph.inputs],
  };
  const index = indexGraph(graph);
  const used = new Set<string>();
  const taken = (n: string) =>
    graph.initializers.has(n) || index.producer.has(n) || index.graphInputs.has(n) || used.has(n);
  const fresh = (hint: string) => {
    const n = freshName(taken, hint);
    used.add(n);
    return n;
  };
  const gates = new Map<string, Gate[]>();
  const ungated: { group: string; reason: string }[] = [];
  const inserts: Insert[] = [];
  const rewires: (() => void)[] = [];
  // Weight gates per stored root, chained when one weight is gated on two axes.
  const chains = new Map<string, string[]>();

  for (const g of groups) {
    const refusal = gateRefusal(g);
    if (refusal) {
      ungated.push({ group: g.id, reason: refusal });
      continue;
    }
    const mine: Gate[] = [];
    let reason: string | undefined;
    for (const m of g.members.filter((x) => x.entry)) {
      const source = constantSource(src.graph, m.tensor, index);
      const value = constantValue(src.graph, m.tensor, index);
      if (!source || !value) {
        reason = `${m.tensor} is not a stored constant`;
        break;
      }
      if (!GATE_DTYPES.has(value.dtype)) {
        reason = `${m.tensor} is ${value.dtype}, gates need float32 or float16`;
        break;
      }
      const dtype = value.dtype as Gate['dtype'];
      const root = source.kind === 'initializer' ? source.name : source.node.outputs[0];
      const names = aliasesOf(root, index);
      const uses = names
        .flatMap((n) => index.consumers.get(n) ?? [])
        .filter((u) => !(u.node.opType === 'Identity' && u.node.domain === ''));
      const k = value.dims[m.axis];
      const sites = uses.map((u) => activationSite(u.node, u.slot, m.axis, value.dims.length, k));
      if (options.prefer !== 'weight' && uses.length > 0 && sites.every((s) => s !== undefined)) {
        const input = fresh(`${root}__gate${m.axis}`);
        uses.forEach((u, i) => {
          const x = u.node.inputs[0];
          const out = fresh(`${x}__gated`);
          inserts.push({
            before: u.node,
            nodes: [
              { name: `${out}/Mul`, opType: 'Mul', domain: '', inputs: [x, input], outputs: [out], attributes: [] },
            ],
          });
          rewires.push(() => {
            u.node.inputs[0] = out;
          });
          mine.push({ input, dtype, dims: sites[i]!.dims, positions: m.indices, at: 'activation' });
        });
      } else {
        // Anything else reads the weight through the gate: exactly the mask's semantics, for every reader.
        const input = fresh(`${root}__gate${m.axis}`);
        let chain = chains.get(root);
        if (!chain) chains.set(root, (chain = []));
        chain.push(input);
        mine.push({
          input,
          dtype,
          dims: value.dims.map((d, i) => (i === m.axis ? d : 1)),
          positions: m.indices,
          at: 'weight',
        });
      }
    }
    if (reason) {
      ungated.push({ group: g.id, reason });
      continue;
    }
    gates.set(g.id, mine);
  }
  // Several activation gates may share one input (a weight read by several nodes): declare each once.
  const declared = new Set<string>();
  for (const list of gates.values()) {
    for (const gate of list) {
      if (declared.has(gate.input)) continue;
      declared.add(gate.input);
      graph.inputs.push({ name: gate.input, dtype: gate.dtype, shape: [...gate.dims] });
    }
  }
  for (const [root, chain] of chains) {
    let current = root;
    const muls = chain.map((input) => {
      const out = fresh(`${root}__gated`);
      const node: Node = {
        name: `${out}/Mul`,
        opType: 'Mul',
        domain: '',
        inputs: [current, input],
        outputs: [out],
        attributes: [],
      };
      current = out;
      return node;
    });
    const last = current;
    rewires.push(() => {
      for (const n of graph.nodes) n.inputs = n.inputs.map((x) => (x === root ? last : x));
    });
    inserts.push({ afterOutput: root, nodes: muls });
  }
  for (const r of rewires) r();
  for (const ins of inserts) {
    // Before its consumer, or right after the Constant node holding the weight (first for an initializer).
    const at = ins.before
      ? graph.nodes.indexOf(ins.before)
      : graph.nodes.findIndex((n) => n.outputs.includes(ins.afterOutput!)) + 1;
    graph.nodes.splice(at, 0, ...ins.nodes);
  }
  return { model: { ...src, graph }, gates, ungated };
}

/** The gate data for a group with `removed` channels zeroed (all ones when none). */
export function gateValues(gate: Gate, removed: readonly number[]): Float32Array | Uint16Array {
  const n = gate.dims.reduce((a, b) => a * b, 1);
  const one = gate.dtype === 'float16' ? 0x3c00 : 1;
  const data = gate.dtype === 'float16' ? new Uint16Array(n).fill(one) : new Float32Array(n).fill(one);
  for (const c of removed) for (const p of gate.positions[c]) data[p] = 0;
  return data;
}
