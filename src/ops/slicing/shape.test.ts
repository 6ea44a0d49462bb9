import { describe, expect, it } from 'vitest';
import { i64, infer, node } from '../../shape/infer-cases.test-helpers.js';

describe('Slice', () => {
  it('negative, clamped and stepped bounds; symbolic dims', () => {
    const r = infer({
      inputs: { x: ['b', 10, 'seq'] },
      inits: {
        s1: i64([-3]),
        e1: i64([1000]),
        a1: i64([1]),
        s2: i64([8]),
        e2: i64([-100]),
        st2: i64([-3]),
        s3: i64([1]),
        e3: i64([2 ** 40]),
        a3: i64([2]),
      },
      nodes: [
        node('Slice', ['x', 's1', 'e1', 'a1'], ['neg']),
        node('Slice', ['x', 's2', 'e2', 'a1', 'st2'], ['back']),
        node('Slice', ['x', 's3', 'e3', 'a3'], ['tail']),
      ],
    });
    expect(r.shape('neg')).toEqual(['b', 3, 'seq']);
    expect(r.shape('back')).toEqual(['b', 3, 'seq']);
    expect(r.shape('tail')).toEqual(['b', 10, 'seq-1']);
  });
  it('attribute form before opset 10', () => {
    const r = infer({
      opset: 9,
      inputs: { x: [4, 6] },
      nodes: [node('Slice', ['x'], ['y'], { starts: [1, 0], ends: [3, -1] })],
    });
    expect(r.shape('y')).toEqual([2, 5]);
  });
});

describe('Split / Concat / Squeeze / Unsqueeze', () => {
  it('Split by attribute (11), input (13), num_outputs (18) and evenly', () => {
    expect(
      infer({
        opset: 11,
        inputs: { x: [2, 10] },
        nodes: [node('Split', ['x'], ['a', 'b'], { axis: 1, split: [3, 7] })],
      }).shape('b'),
    ).toEqual([2, 7]);
    const r13 = infer({
      opset: 13,
      inputs: { x: [2, 10] },
      inits: { s: i64([4, 4]) },
      nodes: [node('Split', ['x', 's'], ['a', 'b'], { axis: 1 }, 'sp')],
    });
    expect(r13.problems).toMatchObject([{ node: 'sp', rule: 'split-sum' }]);
    const r18 = infer({
      opset: 18,
      inputs: { x: [2, 10] },
      nodes: [node('Split', ['x'], ['a', 'b', 'c'], { axis: 1, num_outputs: 3 })],
    });
    expect([r18.shape('a'), r18.shape('c')]).toEqual([
      [2, 4],
      [2, 2],
    ]);
    const even = infer({ inputs: { x: ['b', 't', 96] }, nodes: [node('Split', ['x'], ['q', 'k', 'v'], { axis: -1 })] });
    expect(even.shape('v')).toEqual(['b', 't', 32]);
  });
  it('Concat adds the axis (symbolically too) and reports non-axis mismatches', () => {
    const r = infer({
      inputs: { a: ['b', 'seq', 8], c: ['b', 'seq', 6], d: ['b', 3, 8] },
      nodes: [
        node('Concat', ['a', 'a'], ['aa'], { axis: 1 }),
        node('Concat', ['a', 'c'], ['ac'], { axis: -1 }),
        node('Concat', ['a', 'd'], ['bad'], { axis: 2 }, 'cat'),
      ],
    });
    expect(r.shape('aa')).toEqual(['b', '2*seq', 8]);
    expect(r.shape('ac')).toEqual(['b', 'seq', 14]);
    expect(r.problems).toEqual([]);
    const bad = infer({
      inputs: { a: [1, 4, 8], d: [1, 3, 8] },
      nodes: [node('Concat', ['a', 'd'], ['x'], { axis: 2 }, 'cat')],
    });
    expect(bad.problems).toMatchObject([{ node: 'cat', rule: 'concat-dims' }]);
  });
  it('Squeeze/Unsqueeze attribute (11) and input (13) forms', () => {
    const r11 = infer({
      opset: 11,
      inputs: { x: [1, 'n', 1] },
      nodes: [node('Squeeze', ['x'], ['s'], { axes: [0] }), node('Unsqueeze', ['s'], ['u'], { axes: [0, -1] })],
    });
    expect(r11.shape('s')).toEqual(['n', 1]);
    expect(r11.shape('u')).toEqual([1, 'n', 1, 1]);
    const r13 = infer({
      opset: 13,
      inputs: { x: [1, 'n', 1] },
      inits: { ax: i64([2]) },
      nodes: [
        node('Squeeze', ['x', 'ax'], ['s']),
        node('Squeeze', ['x'], ['all']),
        node('Unsqueeze', ['x', 'ax'], ['u']),
      ],
    });
    expect(r13.shape('s')).toEqual([1, 'n']);
    expect(r13.values.get('all')?.unknownReason).toContain('symbolic dims may be 1');
    expect(r13.shape('u')).toEqual([1, 'n', 1, 1]);
  });
});

describe('Gather', () => {
  it('on data and on a shape vector (symbolic entries)', () => {
    const r = infer({
      inputs: { emb: [100, 32], ids: ['int64' as const, ['b', 't']], x: ['b', 't', 32] },
      inits: { one: i64([1], []), bad: i64([5], []) },
      nodes: [
        node('Gather', ['emb', 'ids'], ['e']),
        node('Shape', ['x'], ['s']),
        node('Gather', ['s', 'one'], ['t']),
        node('Gather', ['s', 'bad'], ['oops'], {}, 'g_bad'),
      ],
    });
    expect(r.shape('e')).toEqual(['b', 't', 32]);
    expect(r.shape('t')).toEqual([]);
    expect(r.problems).toMatchObject([{ node: 'g_bad', rule: 'gather-index' }]);
  });
});
