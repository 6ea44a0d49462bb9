import { describe, expect, it } from 'vitest';
import { analyzeGroups } from './groups.js';
import { prune } from './prune.js';
import { concatFlattenCnn, residualCnn } from './testing/models.test-helpers.js';
import { relu } from '../ir/builder/activation.js';
import { conv } from '../ir/builder/conv.js';
import { BuilderCore } from '../ir/builder/core.js';
import { concat } from '../ir/builder/shape-ops.js';
import { pruneAndVerify } from './testing/check.test-helpers.js';

describe('structured pruning on CNN builder graphs', () => {
  it('residual block with projection skip and BN: --ratio 0.5 runs and equals the mask oracle', async () => {
    const dense = residualCnn();
    const { report, verified } = await pruneAndVerify(dense, 0.5, [{ x: [1, 3, 8, 8] }, { x: [2, 3, 12, 10] }]);
    expect(report.paramsAfter).toBeLessThan(report.paramsBefore);
    expect(report.groups.map((g) => [g.id, g.before, g.after])).toEqual([
      ['stem.weight#0', 8, 4],
      ['b1c1.weight#0', 6, 3],
      ['b2c1.weight#0', 10, 5],
      ['b2c2.weight#0', 12, 6],
    ]);
    expect(verified).toMatchObject({ exact: true });
    expect(verified.maxDeviation).toBeLessThan(1e-4);
  });

  it('the skip projection is in the same group as the block output (the Core ML incident)', () => {
    const g = analyzeGroups(residualCnn()).groups.find((x) => x.id === 'b2c2.weight#0')!;
    expect(g.members.map((m) => m.tensor)).toEqual(
      expect.arrayContaining(['b2proj.weight', 'b2proj.bias', 'bn5.running_var', 'fc.weight']),
    );
    expect(g.members.find((m) => m.tensor === 'fc.weight')).toMatchObject({ axis: 1, entry: true });
  });

  it('concat offsets and flatten→gemm blocks', async () => {
    const dense = concatFlattenCnn();
    const a = analyzeGroups(dense);
    expect(a.groups.find((g) => g.id === 'right.weight#0')!.members.find((m) => m.tensor === 'mix.weight')!.map).toBe(
      'offset 4',
    );
    expect(a.groups.find((g) => g.id === 'mix.weight#0')!.members.find((m) => m.tensor === 'fc.weight')!.map).toBe(
      'block 4',
    );
    const plan = {
      channels: [
        { group: 'right.weight', indices: [0, 4] },
        { group: 'mix.weight#0', indices: [1, 3] },
        { group: 'left.weight', indices: [2] },
      ],
    };
    const { verified, pruned } = await pruneAndVerify(dense, plan, [{ x: [2, 3, 4, 4] }]);
    expect(pruned.graph.initializers.get('fc.weight')!.dims).toEqual([3, 12]);
    expect(verified.maxDeviation).toBeLessThan(1e-4);
  });

  it('branches named only by their shared consumer get distinct ids (an Inception block)', async () => {
    // The exporter names the branch convs' weights onnx::*, so each branch is named by the consumer's
    // weight: three groups of mix.weight axis 1, told apart by where each starts in it.
    const b = new BuilderCore({ seed: 3 });
    const x = b.input('x', 'float32', ['batch', 3, 4, 4]);
    const branches = [4, 6, 3].map((n, i) => relu(b, conv(b, x, n, { pad: 1, name: `onnx::Conv_${i}` })));
    b.output(conv(b, concat(b, branches, 1, { name: 'cat' }), 5, { name: 'mix' }), 'y');
    const dense = b.build();
    const ids = analyzeGroups(dense).groups.map((g) => g.id);
    expect(ids.filter((id) => id.startsWith('mix.weight#1'))).toEqual([
      'mix.weight#1',
      'mix.weight#1@4',
      'mix.weight#1@10',
    ]);
    const plan = {
      channels: ['mix.weight#1', 'mix.weight#1@4', 'mix.weight#1@10'].map((group) => ({ group, indices: [1] })),
    };
    const { verified, pruned } = await pruneAndVerify(dense, plan, [{ x: [2, 3, 4, 4] }]);
    expect(pruned.graph.initializers.get('mix.weight')!.dims).toEqual([5, 10, 3, 3]);
    expect(verified.maxDeviation).toBeLessThan(1e-4);
  });

  it('never mutates the input model', () => {
    const dense = residualCnn();
    const before = dense.graph.initializers.get('stem.weight')!;
    prune(dense, { channels: [{ group: 'stem.weight', ratio: 0.5 }] });
    expect(dense.graph.initializers.get('stem.weight')).toBe(before);
    expect(before.dims).toEqual([8, 3, 3, 3]);
  });
});
