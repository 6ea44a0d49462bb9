import { describe, expect, it } from 'vitest';
import { toNumbers } from '../../ir/tensor.js';
import { f32, i64, infer, node } from '../../shape/infer-cases.test-helpers.js';

describe('constants and value ops', () => {
  it('Constant, Range, ConstantOfShape, Cast are folded into constants', () => {
    const r = infer({
      inputs: { x: ['b', 't'] },
      nodes: [
        node('Constant', [], ['five'], { value: { t: i64([5], []) } }),
        node('Constant', [], ['zero'], { value_int: 0 }),
        node('Constant', [], ['one'], { value_int: 1 }),
        node('Range', ['zero', 'five', 'one'], ['r']),
        node('Cast', ['r'], ['rf'], { to: 1 }),
        node('Shape', ['x'], ['s']),
        node('Gather', ['s', 'one'], ['t']),
        node('Range', ['zero', 't', 'one'], ['pos']),
        node('ConstantOfShape', ['s'], ['z'], { value: { t: f32([1], 1) } }),
      ],
    });
    expect(toNumbers(r.constants.get('r')!)).toEqual([0, 1, 2, 3, 4]);
    expect(r.values.get('rf')).toEqual({ dtype: 'float32', shape: [5] });
    expect(r.shape('pos')).toEqual(['t']);
    expect(r.shape('z')).toEqual(['b', 't']);
  });
});

describe('Resize and quantization', () => {
  it('Resize by scales (opset 13) and sizes; Upsample (opset 9)', () => {
    const empty = f32([0]);
    const r = infer({
      inputs: { x: ['n', 3, 8, 8] },
      inits: {
        roi: empty,
        sc: { dtype: 'float32', dims: [4], data: new Float32Array([1, 1, 2, 1.5]) },
        sz: i64([1, 3, 5, 7]),
      },
      nodes: [node('Resize', ['x', 'roi', 'sc'], ['a']), node('Resize', ['x', '', '', 'sz'], ['b'])],
    });
    expect(r.shape('a')).toEqual(['n', 3, 16, 12]);
    expect(r.shape('b')).toEqual([1, 3, 5, 7]);
    const u = infer({
      opset: 9,
      inputs: { x: [1, 2, 4, 4] },
      inits: { sc: { dtype: 'float32', dims: [4], data: new Float32Array([1, 1, 2, 2]) } },
      nodes: [node('Upsample', ['x', 'sc'], ['y'])],
    });
    expect(u.shape('y')).toEqual([1, 2, 8, 8]);
  });
  it('QuantizeLinear takes the zero point dtype, DequantizeLinear the scale dtype', () => {
    const r = infer({
      inputs: { x: [2, 4] },
      inits: { s: f32([], 0.1), zp: { dtype: 'int8', dims: [], data: new Int8Array(1) } },
      nodes: [node('QuantizeLinear', ['x', 's', 'zp'], ['q']), node('DequantizeLinear', ['q', 's', 'zp'], ['d'])],
    });
    expect(r.values.get('q')).toEqual({ dtype: 'int8', shape: [2, 4] });
    expect(r.values.get('d')).toEqual({ dtype: 'float32', shape: [2, 4] });
  });
});
