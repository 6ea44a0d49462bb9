/**
 * Production-size models the benchmarks measure, built with the graph builder (random weights,
 * written to bench/models/, gitignored, never committed), plus the generated networks of the
 * linear-cost sweep. ResNet-18 comes from torchvision: scripts/make_bench_models.py.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GraphBuilder } from '../dist/ir/builder/index.js';
import type { Model } from '../dist/ir/types.js';
import { saveModelFile } from '../dist/onnx/save.js';

export const MODELS = join(import.meta.dirname, 'models');
export const RESNET18 = join(MODELS, 'resnet18.onnx');

/**
 * BERT-base size: 12 post-norm layers, d768, 12 heads, FFN 3072, 30522-token embedding (~110 M parameters, ~436 MB).
 */
export function bertBase(layers = 12, embed = 768, heads = 12, vocab = 30522): Model {
  const b = new GraphBuilder({ seed: 7, opset: 17 });
  const ids = b.input('input_ids', 'int64', ['batch', 'seq']);
  let h = b.layerNorm(b.embedding(ids, vocab, embed, { name: 'embeddings' }), { name: 'embeddings_ln' });
  for (let i = 0; i < layers; i++)
    h = b.transformerBlock(h, { heads, norm: 'post', hidden: 4 * embed, name: `layer${i}` });
  b.output(h, 'last_hidden_state');
  return b.build();
}

/** Writes bert-base.onnx once (the builder takes a while at this size) and returns its path. */
export function bertBasePath(): string {
  const path = join(MODELS, 'bert-base.onnx');
  if (!existsSync(path)) saveModelFile(bertBase(), path);
  return path;
}

/** A residual CNN of `blocks` basic blocks at a small width (the sweep varies depth, not width). */
export function residualNet(blocks: number): Model {
  const b = new GraphBuilder({ seed: 1, opset: 17 });
  let h = b.convBnAct(b.input('x', 'float32', ['batch', 3, 16, 16]), 16);
  for (let i = 0; i < blocks; i++) h = b.resBlock(h, 16);
  b.output(b.gemm(b.flatten(b.globalAveragePool(h)), 10), 'logits');
  return b.build();
}

/** A pre-norm transformer of `blocks` layers at d32, 4 heads. */
export function transformerNet(blocks: number): Model {
  const b = new GraphBuilder({ seed: 2, opset: 17 });
  let h = b.input('x', 'float32', ['batch', 16, 32]);
  for (let i = 0; i < blocks; i++) h = b.transformerBlock(h, { heads: 4, hidden: 64 });
  b.output(h, 'y');
  return b.build();
}

export const fileSize = (path: string) => statSync(path).size;
