import { describe, expect, it } from 'vitest';
import { f32, infer, node } from '../../shape/infer-cases.test-helpers.js';

describe('Conv / ConvTranspose', () => {
  it('pads, strides, dilations, auto_pad, symbolic spatial', () => {
    const r = infer({
      inputs: { x: ['n', 3, 32, 'w'] },
      inits: { w: f32([8, 3, 3, 3]), b: f32([8]) },
      nodes: [
        node('Conv', ['x', 'w', 'b'], ['same'], { pads: [1, 1, 1, 1] }),
        node('Conv', ['x', 'w'], ['s2'], { pads: [1, 1, 1, 1], strides: [2, 2] }),
        node('Conv', ['x', 'w'], ['dil'], { dilations: [2, 2] }),
        node('Conv', ['x', 'w'], ['au'], { auto_pad: 'SAME_UPPER', strides: [2, 2] }),
      ],
    });
    expect(r.shape('same')).toEqual(['n', 8, 32, 'w']);
    expect(r.shape('s2')).toEqual(['n', 8, 16, null]);
    expect(r.shape('dil')).toEqual(['n', 8, 28, 'w-4']);
    expect(r.shape('au')).toEqual(['n', 8, 16, null]);
    expect(r.problems).toEqual([]);
  });

  it('reports channel, group and bias mismatches as problems (a pruned producer without its consumer)', () => {
    const r = infer({
      inputs: { x: [1, 6, 8, 8] },
      inits: { w: f32([8, 3, 3, 3]), dw: f32([6, 1, 3, 3]), b: f32([7]) },
      nodes: [
        node('Conv', ['x', 'w', 'b'], ['y'], { pads: [1, 1, 1, 1] }, 'conv_a'),
        node('Conv', ['x', 'dw'], ['z'], { group: 6 }),
        node('Conv', ['x', 'w'], ['g'], { group: 2 }),
      ],
    });
    expect(r.shape('y')).toEqual([1, 8, 8, 8]);
    expect(r.problems.map((p) => [p.node, p.rule])).toEqual([
      ['conv_a', 'conv-channels'],
      ['conv_a', 'conv-bias'],
    ]);
    expect(r.shape('z')).toEqual([1, 6, 6, 6]);
  });

  it('ConvTranspose: strides, output_padding, output_shape, groups', () => {
    const r = infer({
      inputs: { x: [1, 4, 5, 5] },
      inits: { w: f32([4, 2, 3, 3]) },
      nodes: [
        node('ConvTranspose', ['x', 'w'], ['a'], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }),
        node('ConvTranspose', ['x', 'w'], ['b'], { group: 2 }),
        node('ConvTranspose', ['x', 'w'], ['c'], { strides: [2, 2], output_shape: [11, 11] }),
      ],
    });
    expect(r.shape('a')).toEqual([1, 2, 10, 10]);
    expect(r.shape('b')).toEqual([1, 4, 7, 7]);
    expect(r.shape('c')).toEqual([1, 2, 11, 11]);
  });
});

describe('pools', () => {
  it('MaxPool (with indices), AveragePool ceil_mode, global pools', () => {
    const r = infer({
      inputs: { x: ['n', 4, 7, 7] },
      nodes: [
        node('MaxPool', ['x'], ['m', 'idx'], { kernel_shape: [3, 3], strides: [2, 2] }),
        node('AveragePool', ['x'], ['a'], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 }),
        node('AveragePool', ['x'], ['a0'], { kernel_shape: [2, 2], strides: [2, 2] }),
        node('MaxPool', ['x'], ['sp'], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }),
        node('GlobalAveragePool', ['x'], ['g']),
      ],
    });
    expect(r.shape('m')).toEqual(['n', 4, 3, 3]);
    expect(r.values.get('idx')?.dtype).toBe('int64');
    expect(r.shape('a')).toEqual(['n', 4, 4, 4]);
    expect(r.shape('a0')).toEqual(['n', 4, 3, 3]);
    expect(r.shape('sp')).toEqual(['n', 4, 4, 4]);
    expect(r.shape('g')).toEqual(['n', 4, 1, 1]);
  });
  it('a window larger than the input is a problem', () => {
    const r = infer({ inputs: { x: [1, 1, 2, 2] }, nodes: [node('MaxPool', ['x'], ['m'], { kernel_shape: [3, 3] })] });
    expect(r.problems.map((p) => p.rule)).toEqual(['window-too-large', 'window-too-large']);
  });
});
