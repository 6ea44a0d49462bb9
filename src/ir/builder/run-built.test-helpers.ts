/**
 * Test support (used by the *.test.ts files only): runs a built model in
 * onnxruntime-node on seeded inputs and checks that every output's runtime
 * shape equals the shape the builder tracked (symbols bound by `dims`).
 */
import * as ort from 'onnxruntime-node';
import { saveModel } from '../../onnx/save.js';
import type { Dim, Model } from '../types.js';
import { Rng } from './rng.js';

export interface RunResult {
  outputs: Record<string, ort.Tensor>;
  /** Tracked output shapes with symbols substituted. */
  expected: Record<string, Dim[]>;
  actual: Record<string, number[]>;
}

const bind = (shape: readonly Dim[] | undefined, dims: Record<string, number>): Dim[] =>
  (shape ?? []).map((d) => (typeof d === 'string' ? (dims[d] ?? evalSymbol(d, dims)) : d));

/** 'batch*4' style products of symbols and numbers. */
function evalSymbol(d: string, dims: Record<string, number>): Dim {
  const parts = d.split('*').map((p) => (/^\d+$/.test(p) ? Number(p) : dims[p]));
  return parts.every((p) => typeof p === 'number') ? parts.reduce((a, p) => a * p, 1) : d;
}

export async function runModel(model: Model, dims: Record<string, number> = {}, seed = 7): Promise<RunResult> {
  const session = await ort.InferenceSession.create(saveModel(model));
  const rng = new Rng(seed);
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of model.graph.inputs) {
    const shape = bind(input.shape, dims).map((d) => (typeof d === 'number' ? d : 2));
    const n = shape.reduce((a, d) => a * d, 1);
    if (input.dtype === 'int64')
      feeds[input.name] = new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: n }, () => BigInt(Math.floor(rng.uniform(0, 4)))),
        shape,
      );
    else
      feeds[input.name] = new ort.Tensor(
        'float32',
        Float32Array.from({ length: n }, () => rng.uniform(-1, 1)),
        shape,
      );
  }
  const outputs = await session.run(feeds);
  const expected: Record<string, Dim[]> = {};
  const actual: Record<string, number[]> = {};
  for (const out of model.graph.outputs) {
    expected[out.name] = bind(out.shape, dims);
    actual[out.name] = [...outputs[out.name].dims];
  }
  await session.release();
  return { outputs, expected, actual };
}
