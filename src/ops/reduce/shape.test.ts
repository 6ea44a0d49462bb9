import { describe, expect, it } from 'vitest';
import { i64, infer, node } from '../../shape/infer-cases.test-helpers.js';

describe('reductions', () => {
  it('axes as attribute (opset 13 ReduceMean) and as input (ReduceSum 13, ReduceMean 18), keepdims', () => {
    const r13 = infer({
      opset: 13,
      inputs: { x: ['b', 't', 8] },
      inits: { ax: i64([1]) },
      nodes: [
        node('ReduceMean', ['x'], ['m'], { axes: [-1] }),
        node('ReduceSum', ['x', 'ax'], ['s'], { keepdims: 0 }),
        node('ReduceMax', ['x'], ['all']),
      ],
    });
    expect(r13.shape('m')).toEqual(['b', 't', 1]);
    expect(r13.shape('s')).toEqual(['b', 8]);
    expect(r13.shape('all')).toEqual([1, 1, 1]);
    const r18 = infer({
      opset: 18,
      inputs: { x: ['b', 't', 8] },
      inits: { ax: i64([1, 2]) },
      nodes: [
        node('ReduceMean', ['x', 'ax'], ['m'], { keepdims: 0 }),
        node('ReduceL2', ['x'], ['n'], { noop_with_empty_axes: 1 }),
      ],
    });
    expect(r18.shape('m')).toEqual(['b']);
    expect(r18.shape('n')).toEqual(['b', 't', 8]);
  });
  it('ArgMax, TopK (k input), out-of-range axis is a problem', () => {
    const r = infer({
      inputs: { x: [2, 10] },
      inits: { k: i64([3]) },
      nodes: [
        node('ArgMax', ['x'], ['a'], { axis: 1, keepdims: 0 }),
        node('TopK', ['x', 'k'], ['v', 'i']),
        node('ReduceSum', ['x'], ['bad'], { axes: [4] }),
      ],
      opset: 11,
    });
    expect(r.values.get('a')).toEqual({ dtype: 'int64', shape: [2] });
    expect(r.shape('v')).toEqual([2, 3]);
    expect(r.values.get('i')?.dtype).toBe('int64');
    expect(r.problems.map((p) => p.rule)).toEqual(['reduce-axis']);
  });
});
