/** Squeeze/Unsqueeze renumber the channel axis whatever the other dims are (an STFT's unknown frame count). */
import { describe, expect, it } from 'vitest';
import { conv } from '../../ir/builder/conv.js';
import { BuilderCore } from '../../ir/builder/core.js';
import { reduceMean } from '../../ir/builder/reduce.js';
import { squeeze, unsqueeze } from '../../ir/builder/shape-ops.js';
import { analyzeGroups } from '../../prune/groups.js';
import { pruneAndVerify } from '../../prune/testing/check.test-helpers.js';
import { inferShapes } from '../../shape/infer.js';
import type { RuleContext } from '../channel-rule.js';
import { squeezeRule } from './squeeze.js';

/** samples [batch, n] → Unsqueeze → strided Conv1d (6 bins) → Unsqueeze(1) → Squeeze(1) → Conv1d → mean. */
function filterBank() {
  const b = new BuilderCore({ seed: 3, opset: 17 });
  const x = b.input('samples', 'float32', ['batch', 'n']);
  const bins = conv(b, unsqueeze(b, x, [1]), 6, { kernel: 16, stride: 4, name: 'bank' });
  const back = squeeze(b, unsqueeze(b, bins, [1], { name: 'add_axis' }), [1], { name: 'drop_axis' });
  b.output(reduceMean(b, conv(b, back, 3, { kernel: 1, name: 'mix' }), { axes: [2], keepdims: false }), 'y');
  return b.build();
}

describe('Squeeze and Unsqueeze channels', () => {
  it('follow the channel axis past an unknown frame count, equal to the mask oracle', async () => {
    const m = filterBank();
    expect(inferShapes(m).values.get('add_axis')?.shape).toEqual(['batch', 1, 6, null]);
    const group = analyzeGroups(m).groups.find((g) => g.members.some((x) => x.tensor === 'bank.weight'))!;
    expect(group.blocked).toBeUndefined();
    const plan = { version: 1 as const, channels: [{ group: group.id, indices: [0, 4] }] };
    const { pruned, verified } = await pruneAndVerify(m, plan, [{ samples: [2, 40] }]);
    expect(verified.status).toBe('pass');
    expect(pruned.graph.initializers.get('mix.weight')?.dims).toEqual([3, 4, 1]);
  });

  it('renumber the other axes and block the size-1 axis an Unsqueeze inserts', () => {
    const node = filterBank().graph.nodes.find((n) => n.name === 'add_axis')!;
    const shapes = { in: ['batch', 6, null], out: ['batch', 1, 6, null] };
    const ctx = {
      node,
      opset: 17,
      shape: (io: 'in' | 'out') => shapes[io],
      has: (slot: number) => slot < 2,
      ints: () => [1],
    } as unknown as RuleContext;
    expect(squeezeRule.links(ctx, { io: 'in', slot: 0, axis: 1 })).toEqual({
      links: [{ io: 'out', slot: 0, axis: 2, map: { kind: 'identity' } }],
    });
    expect(squeezeRule.links(ctx, { io: 'out', slot: 0, axis: 3 })).toMatchObject({ links: [{ io: 'in', axis: 2 }] });
    expect(squeezeRule.links(ctx, { io: 'out', slot: 0, axis: 1 })).toEqual({
      blocked: 'axis 1 is a size-1 axis the Unsqueeze inserts',
    });
  });
});
