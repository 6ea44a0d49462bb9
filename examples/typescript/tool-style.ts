/**
 * An external pruner that writes its result the way real ONNX tools do, to show that `pruneguard fuzz`
 * judges what a model computes and declares, not how it is spelled:
 *   node --import tsx examples/typescript/tool-style.ts MODEL PLAN OUT
 * It prunes correctly (pruneguard's pruner stands in for the pruning), then, as exporters,
 * optimisers and converters do: renames every node and internal tensor, reverses the initializer
 * order, raises the opset (to 17 when older: no op the generators use changes meaning from 13 to 17)
 * and the IR version, turns Constant nodes into initializers, drops or re-adds value_info, and
 * writes the tensors to an external-data file beside OUT. PRUNEGUARD_TOOL_STYLE picks the edits
 * (comma-separated, default all: rename, reorder, opset, constants, external, and value-info-drop or
 * value-info-add).
 *
 * PRUNEGUARD_TOOL_BUG adds one classic bug, each written here on its own terms:
 *   off-by-one  the next layer's input channels are sliced at removed index + 1;
 *   forget-bias Conv/Gemm biases of pruned layers keep every channel;
 *   bn-stats    BatchNorm running mean/var keep the first k entries, not the kept channels;
 *   reshape     Reshape targets stored as constants keep their dense values (the head count).
 * Exit 10 declines a plan pruneguard's pruner refuses.
 */
import { readFileSync } from 'node:fs';
import {
  analyzeGroups,
  inferShapes,
  isPruneguardError,
  loadModelFile,
  prune,
  saveModelFile,
  type Model,
} from '../../src/index.js';
import { constantNodeValue, constantValue } from '../../src/ir/constants.js';
import type { Graph, Tensor } from '../../src/ir/types.js';
import { takeAlong } from '../../src/prune/slice.js';

const DECLINE = 10;
const [modelPath, planPath, outPath] = process.argv.slice(2);
const styles = new Set(
  (process.env.PRUNEGUARD_TOOL_STYLE ?? 'rename,reorder,opset,constants,external,value-info-drop').split(','),
);
const bug = process.env.PRUNEGUARD_TOOL_BUG;

const dense = loadModelFile(modelPath);
const plan = JSON.parse(readFileSync(planPath, 'utf8'));
let model: Model;
try {
  model = prune(dense, plan).model;
} catch (e) {
  if (isPruneguardError(e) && (e.code === 'E_BAD_PLAN' || e.code === 'E_PRUNE_BLOCKED')) {
    process.stderr.write(`declined: ${e.message.split('\n')[0]}\n`);
    process.exit(DECLINE);
  }
  throw e;
}
if (bug) addBug(model, bug);
if (styles.has('constants')) constantsToInitializers(model.graph);
if (styles.has('rename')) rename(model);
if (styles.has('reorder')) model.graph.initializers = new Map([...model.graph.initializers].reverse());
if (styles.has('opset')) {
  const main = model.opsetImports.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  if (main && main.version < 17) main.version = 17;
  model.irVersion = Math.max(model.irVersion, 8);
}
if (styles.has('value-info-drop')) model.graph.valueInfo = [];
if (styles.has('value-info-add')) addValueInfo(model);
saveModelFile(model, outPath, styles.has('external') ? { externalData: true, sizeThreshold: 0 } : {});

/** Stored tensors of the groups the plan prunes, with the axis and the dense indices removed there. */
function prunedMembers(): { tensor: string; node: string; axis: number; removed: number[]; size: number }[] {
  const analysis = analyzeGroups(dense);
  const out = [];
  for (const spec of [...(plan.channels ?? []), ...(plan.heads ?? [])]) {
    const id = spec.group ?? spec.attention;
    const group = analysis.groups.find((g) => g.id === id);
    const remove: number[] = spec.indices ?? spec.remove ?? [];
    if (!group) continue;
    for (const m of group.members) {
      const removed = remove.flatMap((c) => m.indices[c]);
      const size = constantValue(dense.graph, m.tensor)?.dims[m.axis] ?? 0;
      out.push({ tensor: m.tensor, node: m.node, axis: m.axis, removed, size });
    }
  }
  return out;
}

/** Writes `value` where the pruned model stores `name` (an initializer or a Constant node). */
function store(m: Model, name: string, value: Tensor): void {
  if (m.graph.initializers.has(name)) m.graph.initializers.set(name, value);
  const node = m.graph.nodes.find((n) => n.opType === 'Constant' && n.outputs[0] === name);
  const attr = node?.attributes.find((a) => a.name === 'value');
  if (attr) attr.t = value;
}

function keptOf(size: number, removed: number[]): number[] {
  return Array.from({ length: size }, (_, i) => i).filter((i) => !removed.includes(i));
}

function addBug(m: Model, which: string): void {
  const nodes = new Map(dense.graph.nodes.map((n) => [n.name, n]));
  const denseValue = (t: string) => constantValue(dense.graph, t);
  for (const member of prunedMembers()) {
    const node = nodes.get(member.node);
    const value = denseValue(member.tensor);
    if (!node || !value || !member.removed.length) continue;
    const slot = node.inputs.indexOf(member.tensor);
    if (which === 'off-by-one' && node.opType === 'Conv' && slot === 1 && member.axis === 1) {
      // The index one past each removed channel (wrapping): as many channels go, the wrong ones.
      const shifted = member.removed.map((i) => (i + 1) % member.size);
      store(m, member.tensor, takeAlong(value, 1, keptOf(member.size, shifted)));
    } else if (which === 'forget-bias' && (node.opType === 'Conv' || node.opType === 'Gemm') && slot === 2) {
      store(m, member.tensor, value);
    } else if (which === 'bn-stats' && node.opType === 'BatchNormalization' && (slot === 3 || slot === 4)) {
      const first = Array.from({ length: member.size - member.removed.length }, (_, i) => i);
      store(m, member.tensor, takeAlong(value, 0, first));
    }
  }
  if (which === 'reshape') {
    for (const node of m.graph.nodes) {
      const d = nodes.get(node.name);
      const target = d?.opType === 'Reshape' ? denseValue(d.inputs[1]) : undefined;
      if (target && node.opType === 'Reshape') store(m, node.inputs[1], target);
    }
  }
}

/** Constant nodes of the main graph become initializers (onnxsim, ORT's optimiser). */
function constantsToInitializers(g: Graph): void {
  g.nodes = g.nodes.filter((n) => {
    const value = n.opType === 'Constant' ? constantNodeValue(n) : undefined;
    if (!value) return true;
    g.initializers.set(n.outputs[0], value);
    return false;
  });
}

/** Every node and internal tensor renamed (graph inputs and outputs keep theirs: they are the interface). */
function rename(m: Model): void {
  const keep = new Set(
    [...m.graph.inputs, ...m.graph.outputs].filter((v) => !m.graph.initializers.has(v.name)).map((v) => v.name),
  );
  const names = new Map<string, string>();
  const to = (name: string) => {
    if (name === '' || keep.has(name)) return name;
    if (!names.has(name)) names.set(name, `t${names.size}`);
    return names.get(name)!;
  };
  let count = 0;
  const visit = (g: Graph) => {
    g.initializers = new Map([...g.initializers].map(([k, v]) => [to(k), v]));
    g.valueInfo = g.valueInfo.map((v) => ({ ...v, name: to(v.name) }));
    g.inputs = g.inputs.map((v) => ({ ...v, name: to(v.name) }));
    g.outputs = g.outputs.map((v) => ({ ...v, name: to(v.name) }));
    for (const n of g.nodes) {
      n.name = `node_${count++}_${n.opType}`;
      n.inputs = n.inputs.map(to);
      n.outputs = n.outputs.map(to);
      for (const sub of Object.values(n.subgraphs ?? {})) visit(sub);
    }
  };
  visit(m.graph);
}

/** value_info for every internal value shape inference knows (what onnx.shape_inference writes). */
function addValueInfo(m: Model): void {
  const declared = new Set([...m.graph.inputs, ...m.graph.outputs].map((v) => v.name));
  const shapes = inferShapes(m);
  m.graph.valueInfo = [...shapes.values]
    .filter(([name, v]) => !declared.has(name) && !m.graph.initializers.has(name) && v.shape && v.dtype)
    .map(([name, v]) => ({ name, dtype: v.dtype!, shape: [...v.shape!] }));
}
