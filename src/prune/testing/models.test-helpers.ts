/** Small builder graphs for the pruner's tests: each one a hard case real exporters write. */
import { BuilderCore, type BuilderOptions, type Value } from '../../ir/builder/core.js';
import { conv } from '../../ir/builder/conv.js';
import { relu } from '../../ir/builder/activation.js';
import { batchNorm } from '../../ir/builder/norm.js';
import { binary } from '../../ir/builder/elementwise.js';
import { globalAveragePool } from '../../ir/builder/pool.js';
import { concat, flatten } from '../../ir/builder/shape-ops.js';
import { gemm } from '../../ir/builder/linear.js';
import type { Model } from '../../ir/types.js';

/** stem conv → BN → relu → [block: conv-bn-relu-conv-bn + projection skip] → GAP → flatten → fc. */
export function residualCnn(o: BuilderOptions = {}): Model {
  const b = new BuilderCore({ seed: 1, ...o });
  const x = b.input('x', 'float32', ['batch', 3, 'h', 'w']);
  let h = relu(b, batchNorm(b, conv(b, x, 8, { pad: 1, name: 'stem' }), { name: 'stem_bn' }));
  // identity block: the stem's channels meet the block output at a residual Add
  const a1 = relu(b, batchNorm(b, conv(b, h, 6, { pad: 1, name: 'b1c1' })));
  const a2 = batchNorm(b, conv(b, a1, 8, { pad: 1, name: 'b1c2' }));
  h = relu(b, binary(b, 'Add', a2, h, { name: 'b1add' }));
  // projection block: 1x1 skip conv couples with the block's last conv
  const p1 = relu(b, batchNorm(b, conv(b, h, 10, { pad: 1, stride: 2, name: 'b2c1' })));
  const p2 = batchNorm(b, conv(b, p1, 12, { pad: 1, name: 'b2c2' }));
  const skip = batchNorm(b, conv(b, h, 12, { kernel: 1, stride: 2, name: 'b2proj' }));
  h = relu(b, binary(b, 'Add', p2, skip, { name: 'b2add' }));
  const pooled = flatten(b, globalAveragePool(b, h), { axis: 1 });
  b.output(gemm(b, pooled, 5, { name: 'fc' }), 'logits');
  return b.build();
}

/** Two branches concatenated on channels, then a 2x2 map flattened into a Linear (no pooling). */
export function concatFlattenCnn(o: BuilderOptions = {}): Model {
  const b = new BuilderCore({ seed: 2, ...o });
  const x = b.input('x', 'float32', ['batch', 3, 4, 4]);
  const l = relu(b, conv(b, x, 4, { pad: 1, name: 'left' }));
  const r = relu(b, conv(b, x, 6, { pad: 1, name: 'right' }));
  const c: Value = concat(b, [l, r], 1, { name: 'cat' });
  const m = relu(b, conv(b, c, 5, { stride: 2, pad: 1, name: 'mix' }));
  b.output(gemm(b, flatten(b, m, { axis: 1 }), 3, { name: 'fc' }), 'logits');
  return b.build();
}
