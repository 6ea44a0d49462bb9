import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './builder/index.js';
import { printGraph } from './print.js';

describe('printGraph', () => {
  it('prints one readable line per node with shapes and non-default attributes', () => {
    const b = new GraphBuilder({ seed: 1 });
    const x = b.input('x', 'float32', [1, 3, 8, 8]);
    const y = b.relu(b.conv(x, 8, { kernel: 3, pad: 1, bias: false }));
    b.output(b.reshape(y, [0, -1]), 'y');
    const model = b.build();
    expect(printGraph(model, b.shapes())).toBe(
      [
        'graph pruneguard (opset ai.onnx 17)',
        '  input x: float32[1,3,8,8]',
        '  conv1 = Conv(x[1,3,8,8], conv1.weight[8,3,3,3]) -> [1,8,8,8] {pads:1,1,1,1}',
        '  relu1 = Relu(conv1[1,8,8,8]) -> [1,8,8,8]',
        '  y = Reshape(relu1[1,8,8,8], reshape1.shape=(0,-1)) -> [1,512]  # reshape1',
        '  output y: float32[1,512]',
      ].join('\n'),
    );
  });

  it('falls back to declared shapes and shows ? for unknown ones', () => {
    const b = new GraphBuilder({ seed: 1 });
    const x = b.input('x', 'float32', ['batch', 4]);
    b.output(b.gemm(x, 2));
    const text = printGraph(b.build());
    expect(text).toContain('gemm1 = Gemm(x[batch,4], gemm1.weight[2,4], gemm1.bias[2]) -> [batch,2] {transB:1}');
  });
});

describe('printGraph with Constant nodes', () => {
  it('shows small Constant values inline like initializers', () => {
    const b = new GraphBuilder({ constants: 'constant-node' });
    const x = b.input('x', 'float32', [2, 6]);
    b.output(b.reshape(x, [3, 4]), 'y');
    expect(printGraph(b.build())).toContain('y = Reshape(x[2,6], reshape1.shape=(3,4)) -> [3,4]  # reshape1');
  });
});
