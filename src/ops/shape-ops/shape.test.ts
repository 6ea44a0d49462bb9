import { describe, expect, it } from 'vitest';
import { toNumbers } from '../../ir/tensor.js';
import { i64, infer, node } from '../../shape/infer-cases.test-helpers.js';

describe('shape subgraph folding', () => {
  it('Reshape(x, Concat(Gather(Shape(x), 0), T, 4, -1)) keeps batch symbolic and computes -1', () => {
    const r = infer({
      inputs: { x: ['batch', 'T', 32] },
      inits: { zero: i64([0], []), one: i64([1], []), four: i64([4]), minus1: i64([-1]), axes0: i64([0]) },
      nodes: [
        node('Shape', ['x'], ['s']),
        node('Gather', ['s', 'zero'], ['b']),
        node('Gather', ['s', 'one'], ['t']),
        node('Unsqueeze', ['b', 'axes0'], ['b1']),
        node('Unsqueeze', ['t', 'axes0'], ['t1']),
        node('Concat', ['b1', 't1', 'four', 'minus1'], ['target'], { axis: 0 }),
        node('Reshape', ['x', 'target'], ['y']),
      ],
    });
    expect(r.shape('y')).toEqual(['batch', 'T', 4, 8]);
    expect(r.problems).toEqual([]);
    const concrete = infer(
      {
        inputs: { x: ['batch', 'T', 32] },
        inits: { zero: i64([0], []), minus1: i64([-1]), four: i64([4]), axes0: i64([0]) },
        nodes: [
          node('Shape', ['x'], ['s']),
          node('Gather', ['s', 'zero'], ['b']),
          node('Unsqueeze', ['b', 'axes0'], ['b1']),
          node('Concat', ['b1', 'minus1', 'four'], ['target'], { axis: 0 }),
          node('Reshape', ['x', 'target'], ['y']),
        ],
      },
      { inputShapes: { x: [2, 5, 32] } },
    );
    expect(concrete.shape('y')).toEqual([2, 40, 4]);
    expect(toNumbers(concrete.constants.get('target')!)).toEqual([2, -1, 4]);
  });

  it('Shape start/end (opset 15), Size, Slice of a shape vector, arithmetic on dims', () => {
    const r = infer({
      inputs: { x: ['batch', 'seq', 8] },
      inits: { st: i64([1]), en: i64([3]), two: i64([2], []) },
      nodes: [
        node('Shape', ['x'], ['tail'], { start: -2 }),
        node('Size', ['x'], ['n']),
        node('Shape', ['x'], ['s']),
        node('Slice', ['s', 'st', 'en'], ['mid']),
        node('Mul', ['mid', 'two'], ['twice']),
        node('Concat', ['mid', 'mid'], ['both'], { axis: 0 }),
        node('ConstantOfShape', ['twice'], ['z']),
        node('Expand', ['x', 'both'], ['e']),
      ],
    });
    expect(r.shape('tail')).toEqual([2]);
    expect(r.shape('z')).toEqual(['2*seq', 16]);
    expect(r.problems).toEqual([]);
    // batch against 8 resolves to 8 (batch must be 1 or 8 for Expand to succeed).
    expect(r.shape('e')).toEqual(['seq', 8, 'seq', 8]);
    expect(r.shape('n')).toEqual([]);
    expect(r.values.get('n')?.dtype).toBe('int64');
  });
});

describe('Reshape', () => {
  it('0 copies, -1 infers, allowzero keeps 0, element count is checked', () => {
    const r = infer({
      inputs: { x: [2, 3, 4] },
      inits: { a: i64([0, -1]), bad: i64([5, 5]), z: i64([0, 24]) },
      nodes: [
        node('Reshape', ['x', 'a'], ['y']),
        node('Reshape', ['x', 'bad'], ['w']),
        node('Reshape', ['x', 'z'], ['q'], { allowzero: 1 }),
      ],
    });
    expect(r.shape('y')).toEqual([2, 12]);
    expect(r.shape('w')).toEqual([5, 5]);
    expect(r.problems.map((p) => p.rule)).toEqual(['reshape-numel', 'reshape-numel']);
    expect(r.problems[0].inputShapes[0]).toEqual([2, 3, 4]);
  });
  it('symbolic -1 divides polynomials, gives null (not a number) when inexact', () => {
    const r = infer({
      inputs: { x: ['batch', 'seq', 6] },
      inits: { a: i64([-1, 3]), b: i64([4, -1]) },
      nodes: [node('Reshape', ['x', 'a'], ['y']), node('Reshape', ['x', 'b'], ['w'])],
    });
    expect(r.shape('y')).toEqual(['2*batch*seq', 3]);
    expect(r.shape('w')).toEqual([4, null]);
  });
});

describe('layout ops', () => {
  it('Flatten, Transpose, Expand, Tile, Pad, DepthToSpace', () => {
    const r = infer({
      inputs: { x: ['n', 3, 4, 5] },
      inits: { shp: i64([2, 1, 1, 1, 1]), reps: i64([1, 2, 1, 3]), pads: i64([0, 0, 1, 2, 0, 0, 3, 4]) },
      nodes: [
        node('Flatten', ['x'], ['f']),
        node('Flatten', ['x'], ['f0'], { axis: 0 }),
        node('Transpose', ['x'], ['t'], { perm: [0, 2, 3, 1] }),
        node('Transpose', ['x'], ['tr']),
        node('Expand', ['x', 'shp'], ['e']),
        node('Tile', ['x', 'reps'], ['ti']),
        node('Pad', ['x', 'pads'], ['p']),
      ],
    });
    expect(r.shape('f')).toEqual(['n', 60]);
    expect(r.shape('f0')).toEqual([1, '60*n']);
    expect(r.shape('t')).toEqual(['n', 4, 5, 3]);
    expect(r.shape('tr')).toEqual([5, 4, 3, 'n']);
    expect(r.shape('e')).toEqual([2, 'n', 3, 4, 5]);
    expect(r.shape('ti')).toEqual(['n', 6, 4, 15]);
    expect(r.shape('p')).toEqual(['n', 3, 8, 11]);
  });
});
