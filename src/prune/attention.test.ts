/** Attention heads on builder graphs: every projection form exporters write, and grouped-query attention. */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../ir/builder/index.js';
import type { AttentionOptions } from '../ir/builder/index.js';
import { attention } from '../ir/builder/attention.js';
import { analyzeGroups } from './groups.js';
import { pruneAndVerify } from './testing/check.test-helpers.js';

function block(o: Partial<AttentionOptions>) {
  const b = new GraphBuilder({ seed: 5 });
  const x = b.input('x', 'float32', ['batch', 'seq', 16]);
  const y = attention(b, x, { heads: 4, embed: 16, ...o });
  b.output(b.linear(y, 3, { name: 'head' }), 'y');
  return b.build();
}

const seqs = [{ x: [1, 3, 16] }, { x: [2, 7, 16] }];

describe('attention heads', () => {
  for (const projection of [
    'separate',
    'fused-in-proj',
    'fused-qkv-split',
    'fused-qkv-heads',
    'fused-qkv-per-head',
  ] as const) {
    for (const dynamicReshape of [false, true]) {
      it(
        `${projection}${dynamicReshape ? ' with Concat-built shapes' : ''}: one unit of 4 heads; ` +
          `removing heads equals the mask`,
        async () => {
          const m = block({ projection, dynamicReshape, causalMask: true, maxSeq: 8 });
          const units = analyzeGroups(m).attention;
          expect(units.map((u) => [u.heads, u.headSize, u.blocked])).toEqual([[4, 4, undefined]]);
          const { verified, report } = await pruneAndVerify(
            m,
            { heads: [{ attention: units[0].id, remove: [0, 2] }] },
            seqs,
          );
          expect(report.heads[0].after).toBe(2);
          expect(verified).toMatchObject({ exact: true });
          expect(verified.maxDeviation).toBeLessThan(1e-5);
        },
      );
    }
  }

  for (const bias of [false, true]) {
    it(
      `per-head Einsum projections (Keras/Flax kernels [E, H, hd])${bias ? ' with biases [H, hd]' : ''}: ` +
        `heads are the kernels' H axis; removal equals the mask`,
      async () => {
        const m = block({ projection: 'einsum', bias, scale: 'none', causalMask: true, maxSeq: 8 });
        const a = analyzeGroups(m);
        expect(a.attention.map((u) => [u.heads, u.headSize, u.blocked])).toEqual([[4, 4, undefined]]);
        expect(a.attention[0].members.map((mm) => `${mm.tensor}#${mm.axis}${mm.entry ? ' entry' : ''}`).sort()).toEqual(
          [
            'attn1.k_proj.kernel#1',
            'attn1.out_proj.weight#0 entry',
            'attn1.q_proj.kernel#1',
            'attn1.v_proj.kernel#1',
            ...(bias ? ['attn1.k_proj.bias#0', 'attn1.q_proj.bias#0', 'attn1.v_proj.bias#0'] : []),
          ].sort(),
        );
        const { verified, report } = await pruneAndVerify(
          m,
          { heads: [{ attention: a.attention[0].id, remove: [1, 2] }] },
          seqs,
        );
        expect(report.heads[0].after).toBe(2);
        expect(verified).toMatchObject({ exact: true });
        expect(verified.maxDeviation).toBeLessThan(1e-5);
      },
    );
  }

  it(
    'per-head Einsum projections: the head dim of q·k is a group of its own (not mask-exact); ' +
      'the value head dim cannot pass the merge Reshape',
    async () => {
      const m = block({ projection: 'einsum', bias: false });
      const a = analyzeGroups(m);
      const byKernel = (t: string) => a.groups.find((g) => g.members.some((mm) => mm.tensor === t && mm.axis === 2))!;
      const qk = byKernel('attn1.q_proj.kernel'),
        v = byKernel('attn1.v_proj.kernel');
      expect(
        qk.members.some((mm) => mm.tensor === 'attn1.k_proj.kernel'),
        "qk.members.some((mm) => mm.tensor === 'attn1.k_proj.kernel')",
      ).toBe(true);
      expect(qk.inexact[0]).toMatch(/contracts the pruned axis between two activations/);
      // [B, T, H, hd] → [B, T, H·hd]: a head-dim channel is one feature in every head, which one union of channels
      // cannot say.
      expect(v.blocked).toMatch(/reshape_out/);
      const { verified, report } = await pruneAndVerify(m, { channels: [{ group: qk.id, indices: [0, 3] }] }, seqs);
      expect(report.groups[0]).toMatchObject({ before: 4, after: 2, maskExact: false });
      expect(verified.exact).toBe(false);
    },
  );

  for (const [repeatKv, projection] of [
    ['expand', 'separate'],
    ['tile', 'separate'],
    ['expand', 'einsum'],
    ['tile', 'einsum'],
  ] as const) {
    it(
      `grouped-query attention (${repeatKv}, ${projection} projections): ` +
        `a KV head goes with the Q heads it serves, query heads within the groups go evenly`,
      async () => {
        const m = block({ kvHeads: 2, repeatKv, projection });
        const units = analyzeGroups(m).attention;
        // One KV unit (2 KV heads, each with its 2 Q heads) and its query heads within the groups.
        expect(units.map((u) => [u.heads, !!u.query, u.blocked])).toEqual([
          [2, false, undefined],
          [2, true, undefined],
        ]);
        const [kv, query] = units;
        expect(query.id).toBe(`${kv.id}/query`);
        const { verified } = await pruneAndVerify(m, { heads: [{ attention: kv.id, remove: [1] }] }, seqs);
        expect(verified.maxDeviation).toBeLessThan(1e-5);
        // Query head 0 of each group: n_rep 2 → 1 rewritten, the groups stay even; with a KV head too.
        for (const heads of [
          [{ attention: query.id, remove: [0] }],
          [
            { attention: query.id, remove: [1] },
            { attention: kv.id, remove: [0] },
          ],
        ]) {
          const q = await pruneAndVerify(m, { heads }, seqs);
          expect(q.report.heads.map((h) => h.after)).toEqual(heads.map(() => 1));
          expect(q.verified).toMatchObject({ exact: true });
          expect(q.verified.maxDeviation).toBeLessThan(1e-5);
        }
      },
    );
  }

  it('never removes every head', async () => {
    const m = block({});
    const u = analyzeGroups(m).attention[0];
    await expect(pruneAndVerify(m, { heads: [{ attention: u.id, remove: [0, 1, 2, 3] }] }, seqs)).rejects.toThrow(
      /removes every head/,
    );
  });
});
