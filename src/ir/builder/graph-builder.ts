/**
 * GraphBuilder: the public builder. Each method delegates to the op family file
 * that owns the op's rules; see those files for details and exporter forms.
 *
 * @example
 * const b = new GraphBuilder({ seed: 1 });
 * const x = b.input('x', 'float32', ['batch', 3, 8, 8]);
 * const y = b.relu(b.batchNorm(b.conv(x, 8, { kernel: 3, pad: 1 })));
 * b.output(b.gemm(b.flatten(b.globalAveragePool(y)), 10), 'logits');
 * const model = b.build();
 */
import type { DType } from '../types.js';
import * as act from './activation.js';
import { attention, type AttentionOptions } from './attention.js';
import { fusedAttention, type FusedAttentionOptions } from './fused-attention.js';
import { squeezeExcitation, transformerBlock, type SeOptions, type TransformerBlockOptions } from './blocks.js';
import { convBnAct, resBlock, type ConvBnActOptions, type ResBlockOptions } from './cnn-blocks.js';
import { greater, ifThenElse, meanAll } from './control-flow.js';
import { conv, convTranspose, type ConvOptions, type ConvTransposeOptions } from './conv.js';
import { BuilderCore, type Value } from './core.js';
import { binary, constantValue, type ConstSpec, type Operand } from './elementwise.js';
import { einsum, einsumDense, type EinsumDenseOptions } from './einsum.js';
import { embedding, ffn, gemm, linear, matmul, type FfnOptions, type LinearOptions } from './linear.js';
import { batchNorm, instanceNorm, layerNorm, type LayerNormOptions, type NormOptions } from './norm.js';
import { groupNorm, layerNormDecomposed, rmsNorm, type GroupNormOptions } from './norm-decomposed.js';
import { averagePool, globalAveragePool, maxPool, type PoolOptions } from './pool.js';
import { reduce, type ReduceOptions } from './reduce.js';
import { reshape, type ReshapeDim, type ReshapeOptions } from './reshape.js';
import * as so from './shape-ops.js';

type Named = { name?: string };

/** Builds ONNX graphs op by op with deterministic weights (generators and tests). */
export class GraphBuilder extends BuilderCore {
  // convolution and pooling
  conv(x: Value, out: number, o?: ConvOptions): Value {
    return conv(this, x, out, o);
  }
  convTranspose(x: Value, out: number, o?: ConvTransposeOptions): Value {
    return convTranspose(this, x, out, o);
  }
  maxPool(x: Value, o: PoolOptions): Value {
    return maxPool(this, x, o);
  }
  averagePool(x: Value, o: PoolOptions): Value {
    return averagePool(this, x, o);
  }
  globalAveragePool(x: Value, o?: Named): Value {
    return globalAveragePool(this, x, o);
  }

  // normalization
  batchNorm(x: Value, o?: NormOptions): Value {
    return batchNorm(this, x, o);
  }
  instanceNorm(x: Value, o?: NormOptions): Value {
    return instanceNorm(this, x, o);
  }
  layerNorm(x: Value, o?: LayerNormOptions): Value {
    return layerNorm(this, x, o);
  }
  layerNormDecomposed(x: Value, o?: NormOptions): Value {
    return layerNormDecomposed(this, x, o);
  }
  rmsNorm(x: Value, o?: NormOptions): Value {
    return rmsNorm(this, x, o);
  }
  groupNorm(x: Value, o: GroupNormOptions): Value {
    return groupNorm(this, x, o);
  }

  // activations
  relu(x: Value, o?: Named): Value {
    return act.relu(this, x, o);
  }
  leakyRelu(x: Value, o?: Named & { alpha?: number }): Value {
    return act.leakyRelu(this, x, o);
  }
  clip(x: Value, o?: Named & { min?: number; max?: number }): Value {
    return act.clip(this, x, o);
  }
  relu6(x: Value, o?: Named): Value {
    return act.relu6(this, x, o);
  }
  sigmoid(x: Value, o?: Named): Value {
    return act.sigmoid(this, x, o);
  }
  hardSigmoid(x: Value, o?: Named & { alpha?: number; beta?: number }): Value {
    return act.hardSigmoid(this, x, o);
  }
  hardSwish(x: Value, o?: Named): Value {
    return act.hardSwish(this, x, o);
  }
  tanh(x: Value, o?: Named): Value {
    return act.tanh(this, x, o);
  }
  gelu(x: Value, o?: act.GeluOptions): Value {
    return act.gelu(this, x, o);
  }
  softmax(x: Value, o?: Named & { axis?: number }): Value {
    return act.softmax(this, x, o);
  }

  // elementwise (broadcasting; the right operand may be a value, a scalar or a constant spec)
  add(x: Value, y: Operand, o?: Named): Value {
    return binary(this, 'Add', x, y, o);
  }
  sub(x: Value, y: Operand, o?: Named): Value {
    return binary(this, 'Sub', x, y, o);
  }
  mul(x: Value, y: Operand, o?: Named): Value {
    return binary(this, 'Mul', x, y, o);
  }
  div(x: Value, y: Operand, o?: Named): Value {
    return binary(this, 'Div', x, y, o);
  }
  pow(x: Value, y: Operand, o?: Named): Value {
    return binary(this, 'Pow', x, y, o);
  }
  /** A named seeded (or given) constant, e.g. an attention mask. */
  const(name: string, spec: ConstSpec, dtype: DType = 'float32'): Value {
    return constantValue(this, name, spec, dtype);
  }

  // linear
  gemm(x: Value, out: number, o?: LinearOptions): Value {
    return gemm(this, x, out, o);
  }
  matmul(x: Value, y: Value | { out: number }, o?: Named): Value {
    return matmul(this, x, y, o);
  }
  linear(x: Value, out: number, o?: LinearOptions): Value {
    return linear(this, x, out, o);
  }
  ffn(x: Value, o: FfnOptions): Value {
    return ffn(this, x, o);
  }
  einsum(xs: readonly Value[], equation: string, o?: Named): Value {
    return einsum(this, xs, equation, o);
  }
  /** x contracted with a seeded kernel of dims `kernel` (Keras EinsumDense, Flax DenseGeneral). */
  einsumDense(x: Value, equation: string, kernel: readonly number[], o?: EinsumDenseOptions): Value {
    return einsumDense(this, x, equation, kernel, o);
  }
  embedding(ids: Value, vocab: number, dim: number, o?: Named): Value {
    return embedding(this, ids, vocab, dim, o);
  }

  // reductions and layout
  reduceMean(x: Value, o: ReduceOptions): Value {
    return reduce(this, 'ReduceMean', x, o);
  }

  // control flow (If as torch.jit.script exports it: branches read outer weights by name, or hold their own)
  meanAll(x: Value, o?: Named): Value {
    return meanAll(this, x, o);
  }
  greater(x: Value, y: number, o?: Named): Value {
    return greater(this, x, y, o);
  }
  ifThenElse(cond: Value, then: () => Value, otherwise: () => Value, o?: Named & { ownWeights?: boolean }): Value {
    return ifThenElse(this, cond, then, otherwise, o);
  }
  reduceSum(x: Value, o: ReduceOptions): Value {
    return reduce(this, 'ReduceSum', x, o);
  }
  flatten(x: Value, o?: Named & { axis?: number }): Value {
    return so.flatten(this, x, o);
  }
  reshape(x: Value, dims: readonly ReshapeDim[], o?: ReshapeOptions): Value {
    return reshape(this, x, dims, o);
  }
  transpose(x: Value, perm?: number[], o?: Named): Value {
    return so.transpose(this, x, perm, o);
  }
  concat(xs: readonly Value[], axis: number, o?: Named): Value {
    return so.concat(this, xs, axis, o);
  }
  split(x: Value, o: Named & { axis: number; sizes: number[] }): Value[] {
    return so.split(this, x, o);
  }
  slice(x: Value, o: Named & { starts: number[]; ends: number[]; axes?: number[]; steps?: number[] }): Value {
    return so.slice(this, x, o);
  }
  squeeze(x: Value, axes: number[], o?: Named): Value {
    return so.squeeze(this, x, axes, o);
  }
  unsqueeze(x: Value, axes: number[], o?: Named): Value {
    return so.unsqueeze(this, x, axes, o);
  }
  shape(x: Value, o?: Named): Value {
    return so.shapeOf(this, x, o);
  }
  gather(x: Value, index: number, o?: Named & { axis?: number }): Value {
    return so.gather(this, x, index, o);
  }
  expand(x: Value, shape: number[], o?: Named): Value {
    return so.expand(this, x, shape, o);
  }
  tile(x: Value, repeats: number[], o?: Named): Value {
    return so.tile(this, x, repeats, o);
  }

  // blocks
  convBnAct(x: Value, out: number, o?: ConvBnActOptions): Value {
    return convBnAct(this, x, out, o);
  }
  resBlock(x: Value, out: number, o?: ResBlockOptions): Value {
    return resBlock(this, x, out, o);
  }
  squeezeExcitation(x: Value, o?: SeOptions): Value {
    return squeezeExcitation(this, x, o);
  }
  attention(x: Value, o: AttentionOptions): Value {
    return attention(this, x, o);
  }
  /** Attention through one fused op (MultiHeadAttention, GroupQueryAttention, opset-23 Attention). */
  fusedAttention(x: Value, o: FusedAttentionOptions): Value {
    return fusedAttention(this, x, o);
  }
  transformerBlock(x: Value, o: TransformerBlockOptions): Value {
    return transformerBlock(this, x, o);
  }
}
