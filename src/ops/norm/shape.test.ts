import { describe, expect, it } from 'vitest';
import { f32, infer, node } from '../../shape/infer-cases.test-helpers.js';

describe('normalizations', () => {
  it('BatchNormalization parameters must match the channels', () => {
    const r = infer({
      inputs: { x: ['n', 8, 4, 4] },
      inits: { s: f32([8]), b: f32([8]), m: f32([6]), v: f32([8]) },
      nodes: [node('BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['y'], {}, 'bn')],
    });
    expect(r.shape('y')).toEqual(['n', 8, 4, 4]);
    expect(r.problems).toMatchObject([{ node: 'bn', rule: 'batchnorm-params' }]);
    expect(r.problems[0].message).toContain('[6]');
  });

  it('LayerNormalization scale must match the normalized dims; stats shapes', () => {
    const r = infer({
      inputs: { x: ['b', 't', 32] },
      inits: { s: f32([32]), bias: f32([32]), small: f32([24]) },
      nodes: [
        node('LayerNormalization', ['x', 's', 'bias'], ['y', 'mean', 'inv']),
        node('LayerNormalization', ['x', 'small'], ['z'], {}, 'ln_bad'),
      ],
    });
    expect(r.shape('y')).toEqual(['b', 't', 32]);
    expect(r.shape('mean')).toEqual(['b', 't', 1]);
    expect(r.problems.map((p) => [p.node, p.rule])).toEqual([['ln_bad', 'layernorm-params']]);
  });

  it('InstanceNormalization and GroupNormalization (per group at 18, per channel at 21)', () => {
    const spec = (opset: number) => ({
      opset,
      inputs: { x: [1, 8, 4, 4] },
      inits: { s4: f32([4]), s8: f32([8]) },
      nodes: [
        node('InstanceNormalization', ['x', 's8', 's8'], ['i']),
        node('GroupNormalization', ['x', 's4', 's4'], ['g'], { num_groups: 4 }),
      ],
    });
    expect(infer(spec(18)).problems).toEqual([]);
    expect(infer(spec(21)).problems.map((p) => p.rule)).toEqual(['groupnorm-params', 'groupnorm-params']);
    expect(infer(spec(18)).shape('g')).toEqual([1, 8, 4, 4]);
  });
});
