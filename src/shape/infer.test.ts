import { describe, expect, it } from 'vitest';
import { isPruneguardError } from '../errors.js';
import { inferShapes } from './infer.js';
import { supportedOps } from '../ops/registry.js';
import { f32, infer, model, node } from './infer-cases.test-helpers.js';

describe('inferShapes', () => {
  it('an unknown op gives an unknown shape with a reason, and inference continues', () => {
    const r = infer({
      inputs: { x: [1, 4] },
      nodes: [node('FancyOp', ['x'], ['y']), node('Relu', ['y'], ['z']), node('Relu', ['x'], ['w'])],
    });
    expect(r.values.get('y')).toEqual({ unknownReason: 'unknown op FancyOp at node FancyOp_y' });
    expect(r.values.get('z')?.shape).toBeUndefined();
    expect(r.values.get('z')?.unknownReason).toContain('unknown op FancyOp');
    expect(r.shape('w')).toEqual([1, 4]);
    const custom = infer({ inputs: { x: [1] }, nodes: [{ ...node('Gelu', ['x'], ['y']), domain: 'com.microsoft' }] });
    expect(custom.values.get('y')?.unknownReason).toBe('unknown op com.microsoft::Gelu at node Gelu_y');
  });

  it('inputShapes fixes symbolic dims; misuse is a PruneguardError', () => {
    const spec = { inputs: { x: ['batch', 3] }, nodes: [node('Relu', ['x'], ['y'])] };
    expect(infer(spec, { inputShapes: { x: [5, 3] } }).shape('y')).toEqual([5, 3]);
    const err = (o: object) => {
      try {
        inferShapes(model(spec), o);
      } catch (e) {
        return isPruneguardError(e) ? e.code : e;
      }
      return undefined;
    };
    expect(err({ inputShapes: { nope: [1] } })).toBe('E_BAD_ARGUMENT');
    expect(err({ inputShapes: { x: [1, 2, 3] } })).toBe('E_BAD_ARGUMENT');
  });

  it('handles graphs whose nodes are not in topological order', () => {
    const r = infer({ inputs: { x: [2, 2] }, nodes: [node('Relu', ['a'], ['b']), node('Neg', ['x'], ['a'])] });
    expect(r.shape('b')).toEqual([2, 2]);
  });

  it('initializers are constants with their shapes', () => {
    const r = infer({ inputs: { x: [2] }, inits: { w: f32([3, 2]) }, nodes: [node('MatMul', ['w', 'x'], ['y'])] });
    expect(r.shape('w')).toEqual([3, 2]);
    expect([...r.constants.keys()]).toContain('w');
    expect(r.shape('y')).toEqual([3]);
  });

  it('covers the ops the harness relies on', () => {
    const ops = supportedOps();
    for (const op of [
      'Conv',
      'ConvTranspose',
      'BatchNormalization',
      'LayerNormalization',
      'GroupNormalization',
      'Gemm',
      'MatMul',
      'Reshape',
      'Resize',
      'Split',
      'TopK',
      'Trilu',
      'CumSum',
      'QuantizeLinear',
      'DequantizeLinear',
      'Einsum',
    ]) {
      expect(ops).toContain(op);
    }
  });
});
