import { describe, expect, it } from 'vitest';
import { f32, infer, node } from '../../shape/infer-cases.test-helpers.js';

describe('MatMul / Gemm / Einsum', () => {
  it('batched broadcast and 1-D operands', () => {
    const r = infer({
      inputs: { a: ['b', 4, 't', 8], k: [1, 4, 8, 't'], v: [8], m: [8, 5] },
      nodes: [
        node('MatMul', ['a', 'k'], ['s']),
        node('MatMul', ['a', 'v'], ['av']),
        node('MatMul', ['v', 'm'], ['vm']),
        node('MatMul', ['v', 'v'], ['dot']),
      ],
    });
    expect(r.shape('s')).toEqual(['b', 4, 't', 't']);
    expect(r.shape('av')).toEqual(['b', 4, 't']);
    expect(r.shape('vm')).toEqual([5]);
    expect(r.shape('dot')).toEqual([]);
  });
  it('inner dim mismatch after pruning one side is a problem', () => {
    const r = infer({
      inputs: { a: [2, 6] },
      inits: { w: f32([8, 3]) },
      nodes: [node('MatMul', ['a', 'w'], ['y'], {}, 'mm')],
    });
    expect(r.shape('y')).toEqual([2, 3]);
    expect(r.problems).toMatchObject([
      {
        node: 'mm',
        rule: 'matmul-inner-dim',
        inputShapes: [
          [2, 6],
          [8, 3],
        ],
      },
    ]);
  });
  it('Gemm transA/transB, bias broadcast and checks', () => {
    const r = infer({
      inputs: { x: ['n', 16] },
      inits: { w: f32([10, 16]), c: f32([10]), bad: f32([9]), wt: f32([12, 10]) },
      nodes: [
        node('Gemm', ['x', 'w', 'c'], ['y'], { transB: 1 }),
        node('Gemm', ['x', 'w', 'bad'], ['z'], { transB: 1 }, 'gemm_bad_bias'),
        node('Gemm', ['x', 'wt'], ['q'], {}, 'gemm_bad_k'),
      ],
    });
    expect(r.shape('y')).toEqual(['n', 10]);
    expect(r.shape('q')).toEqual(['n', 10]);
    expect(r.problems.map((p) => [p.node, p.rule])).toEqual([
      ['gemm_bad_bias', 'gemm-bias'],
      ['gemm_bad_k', 'gemm-inner-dim'],
    ]);
    expect(r.broadcasts[0]).toMatchObject({
      op: 'Gemm',
      mode: 'unidirectional',
      axes: [{ input: 1, axis: 0, kind: 'missing' }],
    });
  });
  it('Einsum explicit and implicit', () => {
    const r = infer({
      inputs: { q: ['b', 'h', 't', 8], k: ['b', 'h', 's', 8] },
      nodes: [
        node('Einsum', ['q', 'k'], ['s'], { equation: 'bhtd,bhsd->bhts' }),
        node('Einsum', ['q', 'k'], ['i'], { equation: '...td,...sd' }),
      ],
    });
    expect(r.shape('s')).toEqual(['b', 'h', 't', 's']);
    expect(r.shape('i')).toEqual(['b', 'h', 's', 't']);
  });
});
