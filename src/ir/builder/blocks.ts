/** Composite blocks: squeeze-excitation and the transformer block (pre-norm / post-norm). */
import type { BuilderCore, Value } from './core.js';
import { concrete, fail, requireRank } from './dims.js';
import { relu, sigmoid } from './activation.js';
import { attention, type AttentionOptions } from './attention.js';
import { conv } from './conv.js';
import { binary } from './elementwise.js';
import { ffn } from './linear.js';
import { layerNorm } from './norm.js';
import { rmsNorm } from './norm-decomposed.js';
import { globalAveragePool } from './pool.js';

export interface SeOptions {
  /** Squeeze channels (default max(1, floor(C / reduction))). */
  squeeze?: number;
  reduction?: number;
  name?: string;
}

/** GlobalAveragePool → 1×1 conv → relu → 1×1 conv → sigmoid → Mul with x: an intentional [N,C,1,1] broadcast. */
export function squeezeExcitation(b: BuilderCore, x: Value, o: SeOptions = {}): Value {
  const name = b.nodeName('se', o.name);
  requireRank(`squeezeExcitation ${name}: input ${x.name}`, x.shape, 4);
  const c = concrete(`squeezeExcitation ${name}: channels of ${x.name}`, x.shape, 1);
  const s = o.squeeze ?? Math.max(1, Math.floor(c / (o.reduction ?? 4)));
  if (!Number.isInteger(s) || s < 1)
    fail(`squeezeExcitation ${name}: squeeze channels must be a positive integer, got ${s}`);
  return b.scoped(name, () => {
    const pooled = globalAveragePool(b, x, { name: 'pool' });
    const fc1 = relu(b, conv(b, pooled, s, { kernel: 1, name: 'fc1' }), { name: 'relu' });
    const gate = sigmoid(b, conv(b, fc1, c, { kernel: 1, name: 'fc2' }), { name: 'gate' });
    return binary(b, 'Mul', x, gate, { name: 'scale' });
  });
}

export interface TransformerBlockOptions extends Omit<AttentionOptions, 'embed' | 'name'> {
  /** FFN hidden size (default 4·E). */
  hidden?: number;
  /** 'pre' (default): x + attn(norm(x)); 'post': norm(x + attn(x)). */
  norm?: 'pre' | 'post';
  normKind?: 'layer' | 'layer-decomposed' | 'rms';
  name?: string;
}

export function transformerBlock(b: BuilderCore, x: Value, o: TransformerBlockOptions): Value {
  const name = b.nodeName('block', o.name);
  requireRank(`transformerBlock ${name}: input ${x.name}`, x.shape, 3);
  const e = concrete(`transformerBlock ${name}: embed dim of ${x.name}`, x.shape, 2);
  const { hidden, norm, normKind, name: _n, ...attnOpts } = o;
  return b.scoped(name, () => {
    const nrm = (t: Value, n: string) =>
      normKind === 'rms'
        ? rmsNorm(b, t, { name: n })
        : layerNorm(b, t, { name: n, form: normKind === 'layer-decomposed' ? 'decomposed' : undefined });
    const attn = (t: Value) => attention(b, t, { ...attnOpts, embed: e, name: 'attn' });
    const mlp = (t: Value) => ffn(b, t, { hidden: hidden ?? 4 * e, name: 'ffn' });
    if ((norm ?? 'pre') === 'pre') {
      const h = binary(b, 'Add', x, attn(nrm(x, 'ln1')), { name: 'residual1' });
      return binary(b, 'Add', h, mlp(nrm(h, 'ln2')), { name: 'residual2' });
    }
    const h = nrm(binary(b, 'Add', x, attn(x), { name: 'residual1' }), 'ln1');
    return nrm(binary(b, 'Add', h, mlp(h), { name: 'residual2' }), 'ln2');
  });
}
