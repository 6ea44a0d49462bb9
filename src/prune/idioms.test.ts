/**
 * Idioms of real exports that once blocked pruning, fixed by semantics (fixtures from
 * scripts/make_wild_fixtures.py): each previously blocked group is now prunable, and removing
 * some of its channels (or heads) gives the mask oracle's outputs in onnxruntime.
 */
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../onnx/load.js';
import { analyzeGroups } from './groups.js';
import { pruneAndVerify } from './testing/check.test-helpers.js';

const cases = [
  {
    file: 'fulllike_attn_op17.onnx',
    why: 'torch.full_like(scores, -1e9): ConstantOfShape(Shape(scores)) follows the heads',
    group: 'attn.qkv.bias#0',
    kind: 'heads',
    remove: [1, 3],
    sizes: [{ input_ids: [1, 6] }, { input_ids: [2, 9] }],
    vocab: 50,
  },
  {
    file: 'resize_cast_cnn_op17.onnx',
    why: 'reflect Pad whose amounts torch computes through Reshape/Slice(step -1)/Transpose/Cast',
    group: 'c1.weight#0',
    kind: 'channels',
    remove: [0, 5, 6],
    sizes: [{ input: [1, 3, 12, 12] }, { input: [2, 3, 12, 12] }],
  },
  {
    file: 'resize_cast_sizes_op17.onnx',
    why: 'Resize sizes = Cast(Floor(Mul(Cast(Shape(x)), [1,1,2,2]))): traced through Cast and arithmetic',
    group: 'c1.weight#0',
    kind: 'channels',
    remove: [1, 4],
    sizes: [{ input: [1, 3, 6, 6] }, { input: [2, 3, 5, 7] }],
  },
  {
    file: 'shortcut_a_cnn_op17.onnx',
    why: 'option-A shortcut: zeros_like channels concatenated on the channel axis',
    group: 'stem.weight#0',
    kind: 'channels',
    remove: [2, 7],
    sizes: [{ input: [1, 3, 16, 16] }, { input: [2, 3, 16, 16] }],
  },
] as const;

describe('idioms that no longer block', () => {
  for (const c of cases) {
    it(`${c.file}: ${c.why}`, async () => {
      const dense = loadModelFile(`fixtures/models/${c.file}`);
      const group = analyzeGroups(dense).groups.find((g) => g.id === c.group);
      expect(group, c.group).toBeDefined();
      expect([group!.kind, group!.blocked, group!.maskExact]).toEqual([c.kind, undefined, true]);
      const plan =
        c.kind === 'heads'
          ? { version: 1 as const, heads: [{ attention: c.group, remove: [...c.remove] }] }
          : { version: 1 as const, channels: [{ group: c.group, indices: [...c.remove] }] };
      const { report, verified } = await pruneAndVerify(
        dense,
        plan,
        c.sizes.map((s) => ({ ...s })),
        'vocab' in c ? c.vocab : undefined,
      );
      expect(report.paramsAfter).toBeLessThan(report.paramsBefore);
      expect(verified.shapeMismatch).toBeUndefined();
      expect(verified).toMatchObject({ exact: true });
      expect(verified.maxDeviation).toBeLessThan(1e-4);
    });
  }
});
