/**
 * Pad with opset 18's `axes` input, and Expand/Tile broadcasting a size-1 axis to a size read from
 * Shape(x): channels pass where the semantics let them (the groups equal the mask oracle in onnxruntime)
 * and block with the reason where they do not.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder/index.js';
import type { Value } from '../../ir/builder/index.js';
import { analyzeGroups } from '../../prune/groups.js';
import { pruneAndVerify } from '../../prune/testing/check.test-helpers.js';

const sizes = [{ input: [1, 3, 6, 6] }, { input: [2, 3, 6, 6] }];

/** conv (8 channels) → `middle` → conv (4) → output; the 8-channel group is the one under test. */
function net(opset: number, middle: (b: GraphBuilder, x: Value, input: Value) => Value) {
  const b = new GraphBuilder({ seed: 3, opset });
  const input = b.input('input', 'float32', ['batch', 3, 6, 6]);
  const x = b.conv(input, 8, { kernel: 3, pad: 1, name: 'c1' });
  b.output(b.conv(middle(b, x, input), 4, { kernel: 1, name: 'c2' }), 'y');
  return b.build();
}

const group = (m: ReturnType<typeof net>) => analyzeGroups(m).groups.find((g) => g.id === 'c1.weight#0')!;

async function exactRemoval(m: ReturnType<typeof net>) {
  const { verified, report } = await pruneAndVerify(
    m,
    { channels: [{ group: 'c1.weight#0', indices: [1, 6] }] },
    sizes,
  );
  expect(report.paramsAfter).toBeLessThan(report.paramsBefore);
  expect(verified).toMatchObject({ exact: true });
  expect(verified.maxDeviation).toBeLessThan(1e-5);
}

describe('Pad with axes (opset 18)', () => {
  const padded = (axes: number[], pads: number[]) =>
    net(18, (b, x) =>
      b.op('Pad', 'pad', [x, b.ints('pad', 'pads', pads), '', b.ints('pad', 'axes', axes)], 'float32', [
        'batch',
        8,
        8,
        8,
      ]),
    );

  it('spatial axes padded: channels pass and removal equals the mask oracle', async () => {
    const m = padded([2, -1], [1, 1, 1, 1]);
    expect(group(m).blocked).toBeUndefined();
    await exactRemoval(m);
  });

  it('the channel axis padded blocks with the reason', () => {
    const m = net(18, (b, x) =>
      b.op('Pad', 'pad', [x, b.ints('pad', 'pads', [0, 1]), '', b.ints('pad', 'axes', [1])], 'float32', [
        'batch',
        9,
        6,
        6,
      ]),
    );
    expect(group(m).blocked).toMatch(/Pad pad\d*: the channel axis is padded/);
  });
});

describe('Expand / Tile broadcasting from 1 to Shape(x)', () => {
  /** A one-channel gate [N, 1, H, W] of the input, broadcast to x's shape by `widen`, times x. */
  const gated = (widen: (b: GraphBuilder, gate: Value, shape: Value) => Value) =>
    net(17, (b, x, input) => {
      const gate = b.conv(input, 1, { kernel: 1, name: 'gate' });
      const shape = b.op('Shape', 'shape', [x], 'int64', [4]);
      return b.op('Mul', 'gated', [x, widen(b, gate, shape)], 'float32', ['batch', 8, 6, 6]);
    });

  it('Expand(gate, Shape(x)): the broadcast axis follows x, removal equals the mask oracle', async () => {
    const m = gated((b, gate, shape) => b.op('Expand', 'expand', [gate, shape], 'float32', ['batch', 8, 6, 6]));
    expect(group(m).blocked).toBeUndefined();
    await exactRemoval(m);
  });

  it('Tile(gate, [1, Shape(x)[1], 1, 1]): the tiled axis follows x', async () => {
    const m = gated((b, gate, shape) => {
      const c = b.op('Gather', 'channels', [shape, b.ints('channels', 'idx', [1])], 'int64', [1]);
      const one = b.ints('tile', 'one', [1]);
      const repeats = b.op('Concat', 'repeats', [one, c, one, one], 'int64', [4], { axis: 0 });
      return b.op('Tile', 'tile', [gate, repeats], 'float32', ['batch', 8, 6, 6]);
    });
    expect(group(m).blocked).toBeUndefined();
    await exactRemoval(m);
  });

  it('a broadcast to a size computed otherwise still blocks, naming the expansion', () => {
    const m = gated((b, gate) => {
      const shape = b.op(
        'Max',
        'widest',
        [b.ints('w', 'a', [1, 8, 6, 6]), b.ints('w', 'b', [1, 1, 6, 6])],
        'int64',
        [4],
      );
      return b.op('Expand', 'expand', [gate, b.op('Abs', 'abs', [shape], 'int64', [4])], 'float32', ['batch', 8, 6, 6]);
    });
    expect(group(m).blocked).toMatch(/Expand expand\d*: the channel axis is broadcast by the expansion/);
  });
});
