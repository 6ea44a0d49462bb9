import { describe, expect, it } from 'vitest';
import { f32, i64, infer, node } from '../../shape/infer-cases.test-helpers.js';

describe('broadcasting elementwise ops', () => {
  it('records stretched and missing axes per input', () => {
    const r = infer({
      inputs: { x: ['batch', 8, 16], m: ['batch', 1, 16] },
      inits: { bias: f32([16]) },
      nodes: [node('Add', ['x', 'bias'], ['y']), node('Mul', ['x', 'm'], ['z'])],
    });
    expect(r.shape('y')).toEqual(['batch', 8, 16]);
    const [add, mul] = r.broadcasts;
    expect(add).toMatchObject({ op: 'Add', mode: 'multidirectional', output: ['batch', 8, 16] });
    expect(add.axes).toEqual([
      { input: 1, axis: 0, kind: 'missing' },
      { input: 1, axis: 1, kind: 'missing' },
    ]);
    expect(mul.axes).toEqual([{ input: 1, axis: 1, kind: 'stretched' }]);
  });

  it('a pruned bias of length 1 is a new stretch; an incompatible one is a problem, not a throw', () => {
    const r = infer({
      inputs: { x: [2, 8] },
      inits: { one: f32([1]), six: f32([6]) },
      nodes: [node('Add', ['x', 'one'], ['y']), node('Add', ['x', 'six'], ['z'], {}, 'bad_add')],
    });
    expect(r.broadcasts[0].axes).toEqual([
      { input: 1, axis: 0, kind: 'missing' },
      { input: 1, axis: 1, kind: 'stretched' },
    ]);
    expect(r.shape('z')).toEqual([2, null]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({
      node: 'bad_add',
      op: 'Add',
      rule: 'broadcast-incompatible',
      inputShapes: [[2, 8], [6]],
    });
  });

  it('symbolic against symbolic is a note (output unknown); 1 against a symbol is a stretch', () => {
    const r = infer({
      inputs: { a: ['batch', 4], b: ['seq', 4], c: [1, 4] },
      nodes: [node('Sub', ['a', 'b'], ['y']), node('Sub', ['a', 'c'], ['z'])],
    });
    expect(r.shape('y')).toEqual([null, 4]);
    expect(r.broadcasts[0].notes).toEqual(['axis 0: symbolic batch vs seq; output unknown']);
    expect(r.broadcasts[0].axes).toEqual([]);
    expect(r.broadcasts[1].axes).toEqual([{ input: 1, axis: 0, kind: 'stretched' }]);
    expect(r.problems).toEqual([]);
  });

  it('Where takes dtype from X, comparisons give bool, PRelu is unidirectional', () => {
    const r = infer({
      inputs: { c: ['bool', [1, 1, 4, 4]], x: [2, 3, 4, 4], y: [4] },
      inits: { slope: f32([3, 1, 1]) },
      nodes: [
        node('Where', ['c', 'x', 'y'], ['w']),
        node('Less', ['x', 'y'], ['l']),
        node('PRelu', ['x', 'slope'], ['p']),
      ],
    });
    expect(r.values.get('w')).toEqual({ dtype: 'float32', shape: [2, 3, 4, 4] });
    expect(r.values.get('l')?.dtype).toBe('bool');
    expect(r.shape('p')).toEqual([2, 3, 4, 4]);
    const prelu = r.broadcasts.find((b) => b.op === 'PRelu')!;
    expect(prelu.mode).toBe('unidirectional');
    expect(prelu.axes).toEqual([
      { input: 1, axis: 0, kind: 'missing' },
      { input: 1, axis: 2, kind: 'stretched' },
      { input: 1, axis: 3, kind: 'stretched' },
    ]);
  });

  it('folds small integer arithmetic (Div truncates, Equal/Where on dims)', () => {
    const r = infer({
      inputs: { x: ['batch', 'seq'] },
      inits: { seven: i64([7]), two: i64([2]), m1: i64([-1, -1]) },
      nodes: [
        node('Div', ['seven', 'two'], ['q']),
        node('Shape', ['x'], ['s']),
        node('Equal', ['s', 'm1'], ['eq']),
        node('Where', ['eq', 'seven', 's'], ['w']),
      ],
    });
    expect([...(r.constants.get('q')!.data as BigInt64Array)].map(Number)).toEqual([3]);
    expect(r.problems).toEqual([]);
  });
});

describe('unary ops', () => {
  it('keep the shape; Dropout has a bool mask; Not/IsNaN are bool', () => {
    const r = infer({
      inputs: { x: ['n', 3] },
      nodes: [
        node('Relu', ['x'], ['a']),
        node('Gelu', ['a'], ['b']),
        node('Softmax', ['b'], ['c'], { axis: -1 }),
        node('Dropout', ['c'], ['d', 'mask']),
        node('IsNaN', ['d'], ['nan']),
        node('Clip', ['d'], ['e']),
      ],
    });
    expect(r.shape('e')).toEqual(['n', 3]);
    expect(r.values.get('mask')).toEqual({ dtype: 'bool', shape: ['n', 3] });
    expect(r.values.get('nan')?.dtype).toBe('bool');
  });
});
