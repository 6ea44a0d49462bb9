/** The Einsum rule: what each label means, on small builder graphs checked in onnxruntime against the mask oracle. */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder/index.js';
import { analyzeGroups } from '../../prune/groups.js';
import { pruneAndVerify } from '../../prune/testing/check.test-helpers.js';
import { einsumWeightAxes, parseEinsum } from './einsum.js';

describe('parseEinsum', () => {
  it('reads explicit and implicit outputs (labels seen once, sorted)', () => {
    expect(parseEinsum('bte, ehd -> bthd')).toEqual({ inputs: ['bte', 'ehd'], output: 'bthd' });
    expect(parseEinsum('ij,jk')).toEqual({ inputs: ['ij', 'jk'], output: 'ik' });
  });
  it('refuses ellipses and diagonals with a reason', () => {
    expect(parseEinsum('...d,de->...e')).toMatch(/ellipsis/);
    expect(parseEinsum('ii->i')).toMatch(/repeats a label/);
  });
  it('a weight creates channels on the output axes it alone brings', () => {
    expect(einsumWeightAxes('bte,ehd->bthd', (s) => s === 1)).toEqual([2, 3]);
    expect(einsumWeightAxes('bqhd,bkhd->bhqk', () => false)).toEqual([]);
  });
});

describe('Einsum channel groups', () => {
  const seqs = [{ x: [1, 3, 6] }, { x: [2, 5, 6] }];

  it(
    'a dense layer then an Einsum output kernel [H, hd, E]: both kernel axes are exact groups, ' +
      'entered at the output kernel',
    async () => {
      const b = new GraphBuilder({ seed: 2 });
      const x = b.input('x', 'float32', ['batch', 'seq', 6]);
      const h = b.relu(b.einsumDense(x, 'bte,ehd->bthd', [6, 3, 4], { bias: true, name: 'up' }));
      b.output(b.einsumDense(h, 'bthd,hde->bte', [3, 4, 6], { name: 'down' }), 'y');
      const m = b.build();
      const groups = analyzeGroups(m).groups.filter((g) => g.members.some((mm) => mm.tensor === 'up.kernel'));
      expect(
        groups.map((g) => [
          g.channels,
          g.maskExact,
          g.blocked,
          g.members.filter((mm) => mm.entry).map((mm) => `${mm.tensor}#${mm.axis}`),
        ]),
      ).toEqual([
        [3, true, undefined, ['down.kernel#0']],
        [4, true, undefined, ['down.kernel#1']],
      ]);
      const { verified, pruned } = await pruneAndVerify(
        m,
        {
          channels: [
            { group: groups[0].id, indices: [1] },
            { group: groups[1].id, indices: [0] },
          ],
        },
        seqs,
      );
      expect(pruned.graph.initializers.get('up.kernel')?.dims).toEqual([6, 2, 3]);
      expect(pruned.graph.initializers.get('up.bias')?.dims).toEqual([2, 3]);
      expect(verified).toMatchObject({ exact: true });
      expect(verified.maxDeviation).toBeLessThan(1e-5);
    },
  );

  it('a label summed within one operand is not mask-exact; an ellipsis blocks', () => {
    const b = new GraphBuilder({ seed: 2 });
    const x = b.input('x', 'float32', ['batch', 6]);
    const h = b.einsum([b.linear(x, 4, { name: 'fc' })], 'bk->b', { name: 'sum' });
    b.output(h, 'y');
    expect(analyzeGroups(b.build()).groups.find((g) => g.id === 'fc.weight#1')?.inexact[0]).toMatch(
      /sums over the pruned axis/,
    );
  });
});
