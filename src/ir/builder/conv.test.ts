import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './index.js';
import { runModel } from './run-built.test-helpers.js';

describe('conv family', () => {
  it('builds conv/bn/relu/pool/gemm that onnxruntime runs with the tracked shapes', async () => {
    const b = new GraphBuilder({ seed: 1 });
    const x = b.input('x', 'float32', ['batch', 3, 8, 8]);
    const c1 = b.relu(b.batchNorm(b.conv(x, 8, { kernel: 3, pad: 1 })));
    const c2 = b.conv(c1, 8, { kernel: 3, stride: 2, pad: 1, group: 4, bias: false });
    const p = b.maxPool(c2, { kernel: 2 });
    const a = b.averagePool(c2, { kernel: 3, stride: 1, pad: 1 });
    const d = b.conv(a, 4, { kernel: 3, dilation: 2, pad: 2 });
    const t = b.convTranspose(d, 4, { kernel: 2, stride: 2 });
    b.output(p, 'pooled');
    b.output(t, 'up');
    b.output(b.gemm(b.flatten(b.globalAveragePool(c2)), 10), 'logits');
    const model = b.build();
    expect(model.graph.nodes.map((n) => n.name).slice(0, 4)).toEqual(['conv1', 'bn1', 'relu1', 'conv2']);
    expect([...model.graph.initializers.keys()]).toContain('conv1.weight');
    expect([...model.graph.initializers.keys()]).toContain('bn1.running_var');
    const r = await runModel(model, { batch: 2 });
    expect(r.actual).toEqual(r.expected);
    expect(r.expected.logits).toEqual([2, 10]);
    expect(r.expected.up).toEqual([2, 4, 8, 8]);
  });
});

describe('pooling ceil mode', () => {
  // onnxruntime's runtime drops a last window that would start in the end padding
  // (PyTorch's rule); ONNX static shape inference does not, and warns. We track the runtime.
  it('drops a last window that starts past the input', async () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', [1, 1, 4, 5]);
    const y = b.maxPool(x, { kernel: 1, stride: 2, ceilMode: true });
    expect(y.shape).toEqual([1, 1, 2, 3]);
    b.output(y, 'y');
    const r = await runModel(b.build());
    expect(r.actual).toEqual(r.expected);
  });
});
