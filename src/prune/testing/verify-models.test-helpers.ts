/**
 * Small builder models for verify's tests: outputs behind discrete ops, and an audio front end that needs long inputs.
 */
import { relu } from '../../ir/builder/activation.js';
import { conv } from '../../ir/builder/conv.js';
import { BuilderCore, type BuilderOptions } from '../../ir/builder/core.js';
import { binary } from '../../ir/builder/elementwise.js';
import { gemm } from '../../ir/builder/linear.js';
import { globalAveragePool, maxPool } from '../../ir/builder/pool.js';
import { reduceMean } from '../../ir/builder/reduce.js';
import { flatten } from '../../ir/builder/shape-ops.js';
import type { Model } from '../../ir/types.js';
import { dtypeToOnnx } from '../../ir/dtype-codes.js';

/**
 * conv(6) → relu → conv(4) = `heatmap`; `peaks` = heatmap · (heatmap == MaxPool3x3(heatmap)) (peak
 * picking); `logits` = Gemm(GAP(heatmap)); `label` = ArgMax(logits). `heatmap` and `logits` are
 * continuous, `peaks` and `label` are behind discrete ops.
 */
export function peakPickingCnn(o: BuilderOptions = {}): Model {
  const b = new BuilderCore({ seed: 5, opset: 17, ...o });
  const x = b.input('x', 'float32', ['batch', 2, 8, 8]);
  const h = relu(b, conv(b, x, 6, { pad: 1, name: 'c1' }));
  const heat = conv(b, h, 4, { pad: 1, name: 'c2' });
  const pooled = maxPool(b, heat, { kernel: 3, stride: 1, pad: 1, name: 'nms' });
  const isPeak = b.op('Equal', 'equal', [heat, pooled], 'bool', heat.shape, undefined, 'is_peak');
  const mask = b.op('Cast', 'cast', [isPeak], 'float32', heat.shape, { to: dtypeToOnnx('float32') }, 'peak_mask');
  b.output(binary(b, 'Mul', heat, mask, { name: 'peaks' }), 'peaks');
  const logits = gemm(b, flatten(b, globalAveragePool(b, heat), { axis: 1 }), 3, { name: 'fc' });
  b.output(b.op('ArgMax', 'argmax', [logits], 'int64', [logits.shape[0]], { axis: 1, keepdims: 0 }, 'label'), 'label');
  b.output(heat, 'heatmap');
  b.output(logits, 'logits');
  return b.build();
}

/**
 * Audio front end on a symbolic number of samples: reflect Pad by `pad` (as torch.stft(center=True)
 * pads n_fft/2), a strided Conv1d "filter bank" (kernel 2·pad), relu, Conv1d, mean over time, Gemm.
 * It runs only when samples > pad.
 */
export function reflectPadAudio(pad = 16, o: BuilderOptions = {}): Model {
  const b = new BuilderCore({ seed: 6, opset: 17, ...o });
  const x = b.input('samples', 'float32', ['batch', 1, 'n']);
  const padded = b.op(
    'Pad',
    'pad',
    [x, b.ints('pad', 'pads', [0, 0, pad, 0, 0, pad])],
    'float32',
    ['batch', 1, null],
    { mode: 'reflect' },
    'center_pad',
  );
  const bank = relu(b, conv(b, padded, 8, { kernel: 2 * pad, stride: pad, name: 'bank' }));
  const feats = relu(b, conv(b, bank, 6, { kernel: 3, pad: 1, name: 'mix' }));
  b.output(gemm(b, reduceMean(b, feats, { axes: [2], keepdims: false }), 2, { name: 'fc' }), 'logits');
  return b.build();
}
