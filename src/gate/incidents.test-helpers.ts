/** The seed's incidents as files for `check` tests: models, plans and data written to a temp dir. */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readArraysFile, writeNpz } from '../data/npz.js';
import { cloneTensor } from '../ir/tensor.js';
import type { Model, Tensor } from '../ir/types.js';
import { loadModelFile } from '../onnx/load.js';
import { saveModelFile } from '../onnx/save.js';
import { prune } from '../prune/prune.js';
import type { Plan } from '../prune/plan.js';
import { tempDir as tempDirRemovedAfter } from '../fs/temp-dir.test-helpers.js';

export const root = resolve(import.meta.dirname, '../..');
export const DIGITS = join(root, 'fixtures/models/digits_cnn_op17.onnx');
export const DIGITS_DATA = join(root, 'fixtures/data/digits_eval.npz');
export const LONGRANGE = join(root, 'fixtures/models/longrange_transformer_op17.onnx');
export const LONGRANGE_DATA = join(root, 'fixtures/data/longrange_eval.npz');

export const tempDir = (): string => tempDirRemovedAfter('pruneguard-check-');

/** Incident (a): 45% of the early conv layers (conv1, conv2+conv3 residual group) vs only the least sensitive group. */
export const DIGITS_PLANS = {
  earlyHeavy: {
    version: 1,
    channels: [
      { group: 'conv1.weight#0', ratio: 0.45 },
      { group: 'conv2.weight#0', ratio: 0.45 },
    ],
  },
  sensitivityAware: { version: 1, channels: [{ group: 'fc1.weight#0', ratio: 0.5 }] },
} satisfies Record<string, Plan>;

/** Writes `plan` and the model `prune` makes from it; returns both paths. */
export function prunedDigits(dir: string, name: keyof typeof DIGITS_PLANS): { plan: string; pruned: string } {
  const plan = join(dir, `${name}.plan.json`);
  const pruned = join(dir, `${name}.onnx`);
  writeFileSync(plan, JSON.stringify(DIGITS_PLANS[name]));
  saveModelFile(prune(loadModelFile(DIGITS), DIGITS_PLANS[name]).model, pruned);
  return { plan, pruned };
}

/**
 * Incident (c): a head removed from the longrange transformer. The fixture's
 * head bias is sliced by a runtime Slice, so the structured pruner refuses its
 * heads; removing a head is done here as the fixture documents it: zeroing the
 * head's rows of the output projection (exactly its attention output removed).
 */
export function withoutHead(model: Model, layer: number, head: number, headDim = 8): Model {
  const node = model.graph.nodes.find((n) => n.name === `/layers.${layer}/attn/o/MatMul`);
  if (!node) throw new Error(`no output projection for layer ${layer}`);
  const w = model.graph.initializers.get(node.inputs[1])!;
  const z = cloneTensor(w);
  const [rows, cols] = w.dims;
  const data = z.data as Float32Array;
  for (let r = head * headDim; r < (head + 1) * headDim && r < rows; r++) data.fill(0, r * cols, (r + 1) * cols);
  const initializers = new Map(model.graph.initializers);
  initializers.set(node.inputs[1], z);
  return { ...model, graph: { ...model.graph, initializers } };
}

export function writeLongrangeWithout(dir: string, layer: number, head: number): string {
  const path = join(dir, `longrange_without_l${layer}h${head}.onnx`);
  saveModelFile(withoutHead(loadModelFile(LONGRANGE), layer, head), path);
  return path;
}

/** The longrange eval set restricted to its short examples (the "aggregate on short data" view). */
export function writeShortOnly(dir: string): string {
  const arrays = readArraysFile(LONGRANGE_DATA);
  const short = arrays.get('slice_short')!;
  const keep: number[] = [];
  for (let i = 0; i < short.dims[0]; i++) if (Number((short.data as ArrayLike<number | boolean>)[i])) keep.push(i);
  const out: Record<string, Tensor> = {};
  for (const [name, t] of arrays) {
    if (name.startsWith('slice_')) continue;
    out[name] = rows(t, keep);
  }
  const path = join(dir, 'longrange_short.npz');
  writeFileSync(path, writeNpz(out));
  return path;
}

function rows(t: Tensor, keep: number[]): Tensor {
  const width = t.dims.slice(1).reduce((a, b) => a * b, 1);
  const src = t.data as unknown as {
    subarray(a: number, b: number): ArrayLike<unknown>;
    constructor: new (n: number) => { set(a: ArrayLike<unknown>, o: number): void };
  };
  const data = new src.constructor(keep.length * width);
  keep.forEach((r, i) => data.set(src.subarray(r * width, (r + 1) * width), i * width));
  return { ...t, dims: [keep.length, ...t.dims.slice(1)], data: data as unknown as Tensor['data'] };
}
