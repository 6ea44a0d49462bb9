import { describe, expect, it } from 'vitest';
import { BuilderCore } from '../ir/builder/core.js';
import { GraphBuilder } from '../ir/builder/graph-builder.js';
import { loadModelFile } from '../onnx/load.js';
import { dtypeToOnnx } from '../ir/dtype-codes.js';
import { peakPickingCnn } from '../prune/testing/verify-models.test-helpers.js';
import { outputKinds } from './output-kinds.js';

describe('outputKinds', () => {
  it('finds the discrete ops an output goes through (peak picking, ArgMax) from the graph', () => {
    const kinds = Object.fromEntries(outputKinds(peakPickingCnn()).map((k) => [k.name, k]));
    expect(kinds.peaks.decision).toEqual({ node: 'is_peak', op: 'Equal' });
    expect(kinds.label.decision).toEqual({ node: 'label', op: 'ArgMax' });
    expect(kinds.heatmap.decision).toBeUndefined();
    expect(kinds.logits.decision).toBeUndefined();
  });

  it('a decision on values rounding cannot change (a causal buffer sliced from a constant) does not count', () => {
    const [logits] = outputKinds(loadModelFile('fixtures/models/gpt_tiny_op17.onnx'));
    expect(logits).toMatchObject({ name: 'logits', precision: 'float32' });
    expect(logits.decision).toBeUndefined();
  });

  it('precision is the coarsest float on the way: fp16 weights, or an fp16 island between fp32 casts', () => {
    expect(outputKinds(loadModelFile('fixtures/models/mobilenetv2_tiny_fp16_op17.onnx'))[0].precision).toBe('float16');
    const b = new BuilderCore({ opset: 17 });
    const x = b.input('x', 'float32', ['batch', 4]);
    const half = b.op('Cast', 'cast', [x], 'float16', x.shape, { to: dtypeToOnnx('float16') }, 'to_half');
    const w = b.weight('w', 'value', [4, 3], { uniform: [-1, 1] }, 'float16');
    const y = b.op('MatMul', 'matmul', [half, w], 'float16', ['batch', 3], undefined, 'mm');
    b.output(b.op('Cast', 'cast', [y], 'float32', y.shape, { to: dtypeToOnnx('float32') }, 'to_float'), 'y');
    expect(outputKinds(b.build())[0]).toMatchObject({ name: 'y', dtype: 'float32', precision: 'float16' });
  });

  it('follows If branches: a decision inside a branch, and a branch chosen by a decision on computed values', () => {
    const b = new GraphBuilder({ seed: 3, opset: 17 });
    const x = b.input('x', 'float32', ['batch', 4]);
    const h = b.linear(x, 6, { name: 'fc' });
    // Chosen on the input only: rounding cannot change which branch runs.
    const label = b.ifThenElse(
      b.greater(b.meanAll(x), 0),
      () => b.op('ArgMax', 'argmax', [h], 'int64', ['batch'], { axis: 1, keepdims: 0 }, 'pick'),
      () => b.op('ArgMin', 'argmin', [h], 'int64', ['batch'], { axis: 1, keepdims: 0 }, 'pick_min'),
      { name: 'choose' },
    );
    b.output(label, 'label');
    // Chosen on a computed value: the branch taken is a decision even though both branches are smooth.
    const scaled = b.ifThenElse(
      b.greater(b.meanAll(h), 0, { name: 'gate' }),
      () => b.relu(h),
      () => h,
      { name: 'gated', ownWeights: true },
    );
    b.output(scaled, 'scaled');
    b.output(
      b.ifThenElse(
        b.greater(b.meanAll(x), 0),
        () => b.relu(h),
        () => h,
      ),
      'smooth',
    );
    const kinds = Object.fromEntries(outputKinds(b.build()).map((k) => [k.name, k]));
    expect(kinds.label.decision).toEqual({ node: 'pick', op: 'ArgMax' });
    expect(kinds.scaled.decision).toEqual({ node: 'gate', op: 'Greater' });
    expect(kinds.smooth.decision).toBeUndefined();
  });
});
