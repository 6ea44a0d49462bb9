/** One focused test per hard case exporters write, each checked in onnxruntime against the mask oracle. */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../ir/builder/index.js';
import type { Model } from '../ir/types.js';
import { analyzeGroups } from './groups.js';
import { pruneAndVerify } from './testing/check.test-helpers.js';
import { residualCnn } from './testing/models.test-helpers.js';

const img = (c: number, hw = 6) => [{ x: [1, c, hw, hw] }, { x: [2, c, hw + 3, hw + 1] }];

function cnn(build: (b: GraphBuilder) => void, opts: ConstructorParameters<typeof GraphBuilder>[0] = {}): Model {
  const b = new GraphBuilder({ seed: 3, ...opts });
  build(b);
  return b.build();
}

describe('channel groups on hard cases', () => {
  it('depthwise conv: in and out channels are one group, `group` is rewritten', async () => {
    const m = cnn((b) => {
      const x = b.input('x', 'float32', ['n', 4, 'h', 'w']);
      const e = b.relu(b.conv(x, 12, { kernel: 1, name: 'expand' }));
      const d = b.relu(b.batchNorm(b.conv(e, 12, { group: 12, pad: 1, name: 'dw' })));
      b.output(b.conv(d, 5, { kernel: 1, name: 'project' }), 'y');
    });
    const g = analyzeGroups(m).groups.find((x) => x.id === 'expand.weight#0')!;
    expect(g.members.map((x) => x.tensor)).toEqual(expect.arrayContaining(['dw.weight', 'dw.bias', 'project.weight']));
    const { pruned, verified } = await pruneAndVerify(
      m,
      { channels: [{ group: 'expand.weight#0', indices: [0, 5, 11] }] },
      img(4),
    );
    const dw = pruned.graph.nodes.find((n) => n.name === 'dw')!;
    expect(dw.attributes.find((a) => a.name === 'group')!.i).toBe(9);
    expect(verified.maxDeviation).toBeLessThan(1e-5);
  });

  it('grouped conv (group 2): input positions are removed from every group at once', async () => {
    const m = cnn((b) => {
      const x = b.input('x', 'float32', ['n', 3, 'h', 'w']);
      const a = b.relu(b.conv(x, 8, { pad: 1, name: 'a' }));
      b.output(b.conv(b.relu(b.conv(a, 6, { group: 2, pad: 1, name: 'g2' })), 4, { name: 'out' }), 'y');
    });
    const a = analyzeGroups(m).groups.find((x) => x.id === 'a.weight#0')!;
    expect(a.channels).toBe(4); // positions 0..3 of each group of 4 input channels
    expect(a.members.find((x) => x.tensor === 'a.weight')!.indices[1]).toEqual([1, 5]);
    const { verified } = await pruneAndVerify(
      m,
      {
        channels: [
          { group: 'a.weight#0', indices: [1] },
          { group: 'g2.weight#0', indices: [0] },
        ],
      },
      img(3),
    );
    expect(verified.maxDeviation).toBeLessThan(1e-5);
  });

  it('weights stored as Constant nodes prune like initializers', async () => {
    const { verified, report } = await pruneAndVerify(residualCnn({ constants: 'constant-node' }), 0.5, img(3, 8));
    expect(report.paramsAfter).toBeLessThan(report.paramsBefore);
    expect(verified.maxDeviation).toBeLessThan(1e-4);
  });

  it('a weight shared through Identity is pruned consistently for every consumer', async () => {
    const m = cnn((b) => {
      const x = b.input('x', 'float32', ['n', 3, 'h', 'w']);
      const h = b.relu(b.conv(x, 6, { pad: 1, name: 'c1' }));
      const left = b.conv(h, 4, { kernel: 1, bias: false, name: 'left' });
      const alias = b.node('Identity', ['left.weight'], {
        name: 'tied',
        outputs: [{ dtype: 'float32', shape: [4, 6, 1, 1] }],
      })[0];
      const right = b.node('Conv', [b.relu(h), alias], {
        name: 'right',
        outputs: [{ dtype: 'float32', shape: left.shape }],
      })[0];
      b.output(b.conv(b.add(left, right), 2, { kernel: 1, name: 'out' }), 'y');
    });
    const groups = analyzeGroups(m).groups;
    const g = groups.find((x) => x.members.some((mm) => mm.tensor === 'left.weight' && mm.axis === 0))!;
    expect(g.members.map((x) => `${x.tensor}#${x.axis}`)).toEqual(expect.arrayContaining(['left.weight#0', 'tied#0']));
    const { pruned, verified } = await pruneAndVerify(
      m,
      {
        channels: [
          { group: g.id, indices: [2] },
          { group: 'c1.weight#0', indices: [0, 3] },
        ],
      },
      img(3),
    );
    expect(pruned.graph.initializers.get('left.weight')!.dims).toEqual([3, 4, 1, 1]);
    expect(verified.maxDeviation).toBeLessThan(1e-5);
  });

  it('decomposed LayerNorm over the pruned axis: prunable, not mask-exact, with the reason', () => {
    const b = new GraphBuilder({ seed: 4 });
    const x = b.input('x', 'float32', ['n', 'T', 8]);
    const h = b.layerNormDecomposed(b.linear(x, 12, { name: 'up' }));
    b.output(b.linear(h, 3, { name: 'down' }), 'y');
    const g = analyzeGroups(b.build()).groups.find(
      (x) => x.id === 'up.weight#0' || x.members.some((mm) => mm.tensor === 'up.bias'),
    )!;
    expect(g.blocked).toBeUndefined();
    expect(g.maskExact).toBe(false);
    expect(g.inexact.join(' ')).toMatch(/ReduceMean .* reduces over the pruned axis/);
  });

  it('GroupNorm in its InstanceNorm export form removes whole groups', async () => {
    const m = cnn(
      (b) => {
        const x = b.input('x', 'float32', ['n', 3, 'h', 'w']);
        const h = b.relu(b.groupNorm(b.conv(x, 8, { pad: 1, name: 'c' }), { groups: 4, form: 'instance-norm' }));
        b.output(b.conv(h, 2, { kernel: 1, name: 'out' }), 'y');
      },
      { opset: 17 },
    );
    const g = analyzeGroups(m).groups.find((x) => x.id === 'c.weight#0')!;
    expect(g.blocked).toBeUndefined();
    expect(g.channels).toBe(4);
    const { verified } = await pruneAndVerify(m, { channels: [{ group: g.id, indices: [1] }] }, img(3));
    expect(verified).toMatchObject({ exact: true });
    expect(verified.maxDeviation).toBeLessThan(1e-4);
  });

  it('GroupNorm export form with static spatial dims: the Shape-computed reshape back needs no freezing', async () => {
    // Reshape(y, Shape(x)) back to [N,C,H,W]: H and W come from unpruned axes, C follows the pruned tensor.
    const m = cnn(
      (b) => {
        const x = b.input('x', 'float32', ['n', 3, 6, 6]);
        const h = b.relu(b.groupNorm(b.conv(x, 8, { pad: 1, name: 'c' }), { groups: 4, form: 'instance-norm' }));
        b.output(b.conv(h, 2, { kernel: 1, name: 'out' }), 'y');
      },
      { opset: 17 },
    );
    const { verified } = await pruneAndVerify(m, { channels: [{ group: 'c.weight#0', indices: [0, 2] }] }, [
      { x: [1, 3, 6, 6] },
      { x: [2, 3, 6, 6] },
    ]);
    expect(verified).toMatchObject({ exact: true });
    expect(verified.maxDeviation).toBeLessThan(1e-4);
  });

  it(
    "ViT's patch flatten and class token as torch writes them: Reshape to Concat(Slice(Shape(x), 0, 2), -1), " +
      'expand(B, -1, -1) through Where/Equal/ConstantOfShape',
    async () => {
      const b = new GraphBuilder({ seed: 3, opset: 17 });
      const x = b.input('x', 'float32', ['n', 3, 4, 4]);
      const conv = b.conv(x, 6, { kernel: 2, stride: 2, name: 'patch' }); // [n, 6, 2, 2]
      const int64 = (name: string, values: number[]) => b.const(name, { shape: [values.length], values }, 'int64');
      const shape = b.shape(conv);
      const lead = b.op('Slice', 'slice', [shape, int64('s0', [0]), int64('s1', [2]), int64('s2', [0])], 'int64', [2]);
      const tokens = b.transpose(
        b.op('Reshape', 'flatten', [conv, b.concat([lead, int64('minus1', [-1])], 0)], 'float32', ['n', 6, 4]),
        [0, 2, 1],
      ); // [n, 4, 6]
      // cls_token.expand(B, -1, -1): the -1s become 1 at run time through Where(Equal(v, -1), ones, v).
      const v = b.concat([b.unsqueeze(b.gather(b.shape(tokens), 0), [0]), int64('m1', [-1]), int64('m2', [-1])], 0);
      const ones = b.op('ConstantOfShape', 'ones', [b.shape(v)], 'int64', [3], {
        value: { t: { dtype: 'int64', dims: [1], data: new BigInt64Array([1n]) } },
      });
      const minusOnes = b.mul(ones, b.const('neg', { shape: [], values: [-1] }, 'int64'));
      const target = b.op(
        'Where',
        'where',
        [b.op('Equal', 'equal', [v, minusOnes], 'bool', [3]), ones, v],
        'int64',
        [3],
      );
      const cls = b.op('Expand', 'expand', [b.const('cls_token', { shape: [1, 1, 6] }), target], 'float32', [
        'n',
        1,
        6,
      ]);
      const seq = b.add(b.concat([cls, tokens], 1), b.const('pos_embed', { shape: [1, 5, 6] })); // [n, 5, 6]
      b.output(b.linear(seq, 2, { name: 'head' }), 'y');
      const m = b.build();
      const g = analyzeGroups(m).groups.find((x) => x.id === 'patch.weight#0')!;
      expect(g.blocked).toBeUndefined();
      expect(g.members.map((mm) => mm.tensor)).toEqual(
        expect.arrayContaining(['cls_token', 'pos_embed', 'head.weight']),
      );
      const { pruned, verified } = await pruneAndVerify(m, { channels: [{ group: g.id, indices: [1, 4] }] }, [
        { x: [1, 3, 4, 4] },
        { x: [3, 3, 4, 4] },
      ]);
      expect(pruned.graph.initializers.get('cls_token')?.dims).toEqual([1, 1, 4]);
      expect(verified).toMatchObject({ exact: true });
      expect(verified.maxDeviation).toBeLessThan(1e-5);
    },
  );
});
