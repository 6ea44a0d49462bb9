/** Recurrent layers: shapes in both layouts, and input features pruned through W equal to the mask oracle. */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder/graph-builder.js';
import type { Model } from '../../ir/types.js';
import { analyzeGroups } from '../../prune/groups.js';
import { pruneAndVerify } from '../../prune/testing/check.test-helpers.js';
import { inferShapes } from '../../shape/infer.js';

/** x [5, batch, 4] → MatMul (6 features) → Relu → op (hidden 3) → Y. */
function recurrentNet(op: 'LSTM' | 'GRU' | 'RNN', layout = 0): Model {
  const gates = { LSTM: 4, GRU: 3, RNN: 1 }[op];
  const b = new GraphBuilder({ seed: 4, opset: 17 });
  const x = b.input('x', 'float32', layout ? ['batch', 5, 4] : [5, 'batch', 4]);
  const h = b.relu(b.matmul(x, { out: 6 }, { name: 'proj' }));
  const w = b.weight('rnn', 'W', [1, gates * 3, 6], { uniform: [-0.5, 0.5] });
  const r = b.weight('rnn', 'R', [1, gates * 3, 3], { uniform: [-0.5, 0.5] });
  const y = b.node(op, [h, w, r], {
    name: 'rnn',
    outputs: [{ dtype: 'float32', shape: layout ? ['batch', 5, 1, 3] : [5, 1, 'batch', 3] }],
    attrs: { hidden_size: 3, ...(layout ? { layout } : {}) },
  })[0];
  b.output(y, 'y');
  return b.build();
}

/**
 * x [5, 2, 3] (layout 1: [2, 5, 3]) → op (hidden 4, bias B) → Y → MatMul over the hidden units (2) → y.
 */
function hiddenNet(op: 'LSTM' | 'GRU' | 'RNN', layout: number, direction: 'forward' | 'bidirectional'): Model {
  const gates = { LSTM: 4, GRU: 3, RNN: 1 }[op];
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const b = new GraphBuilder({ seed: 5, opset: 17 });
  const x = b.input('x', 'float32', layout ? [2, 5, 3] : [5, 2, 3]);
  const w = b.weight('rnn', 'W', [dirs, gates * 4, 3], { uniform: [-0.6, 0.6] });
  const r = b.weight('rnn', 'R', [dirs, gates * 4, 4], { uniform: [-0.6, 0.6] });
  const bias = b.weight('rnn', 'B', [dirs, gates * 8], { uniform: [-0.3, 0.3] });
  const yShape = layout ? [2, 5, dirs, 4] : [5, dirs, 2, 4];
  const y = b.node(op, [x, w, r, bias], {
    name: 'rnn',
    outputs: [{ dtype: 'float32', shape: yShape }],
    attrs: { hidden_size: 4, direction, ...(layout ? { layout } : {}) },
  })[0];
  b.output(b.matmul(y, { out: 2 }, { name: 'head' }), 'y');
  return b.build();
}

describe('recurrent layers', () => {
  it.each([0, 1])('infers Y in layout %i', (layout) => {
    const m = recurrentNet('LSTM', layout);
    expect(inferShapes(m).values.get('y')?.shape).toEqual(layout ? ['batch', 5, 1, 3] : [5, 1, 'batch', 3]);
  });

  it.each(['LSTM', 'GRU', 'RNN'] as const)(
    '%s: input features prune with W[:, :, c], equal to the mask oracle',
    async (op) => {
      const dense = recurrentNet(op);
      const a = analyzeGroups(dense);
      const features = a.groups.find((g) => g.members.some((m) => m.tensor === 'rnn.W'))!;
      expect(features.blocked).toBeUndefined();
      expect(features.members.find((m) => m.tensor === 'rnn.W')).toMatchObject({ axis: 2, entry: true });
      const plan = { version: 1 as const, channels: [{ group: features.id, indices: [1, 4] }] };
      const { pruned, verified } = await pruneAndVerify(dense, plan, [{ x: [5, 2, 4] }]);
      expect(verified.status).toBe('pass');
      expect(pruned.graph.initializers.get('rnn.W')?.dims).toEqual([1, { LSTM: 12, GRU: 9, RNN: 3 }[op], 4]);
    },
  );

  it.each([
    ['LSTM', 0, 'forward'],
    ['LSTM', 0, 'bidirectional'],
    ['GRU', 0, 'bidirectional'],
    ['RNN', 0, 'forward'],
    // onnxruntime runs layout 0 only ("batchwise recurrent operations (layout == 1) are not supported").
  ] as const)('%s layout %i %s: hidden units prune gate by gate, equal to the mask oracle', async (op, layout, dir) => {
    const dense = hiddenNet(op, layout, dir);
    const a = analyzeGroups(dense);
    const hidden = a.groups.find((g) => g.members.some((m) => m.tensor === 'rnn.R' && m.axis === 2))!;
    expect(hidden).toMatchObject({ channels: 4 });
    expect(hidden.blocked).toBeUndefined();
    expect(hidden.inexact ?? []).toEqual([]);
    const plan = { version: 1 as const, channels: [{ group: hidden.id, indices: [0, 2] }] };
    const x = layout ? [2, 5, 3] : [5, 2, 3];
    const { pruned, verified } = await pruneAndVerify(dense, plan, [{ x }]);
    expect(verified.status).toBe('pass');
    const gates = { LSTM: 4, GRU: 3, RNN: 1 }[op];
    const dirs = dir === 'bidirectional' ? 2 : 1;
    expect(pruned.graph.initializers.get('rnn.W')?.dims).toEqual([dirs, gates * 2, 3]);
    expect(pruned.graph.initializers.get('rnn.R')?.dims).toEqual([dirs, gates * 2, 2]);
    expect(pruned.graph.initializers.get('rnn.B')?.dims).toEqual([dirs, gates * 4]);
    const node = pruned.graph.nodes.find((n) => n.opType === op)!;
    expect(node.attributes.find((t) => t.name === 'hidden_size')?.i).toBe(2);
  });

  it('unit j is row j of every gate block of W (periodic over the gates)', () => {
    const dense = hiddenNet('LSTM', 0, 'forward');
    const hidden = analyzeGroups(dense).groups.find((g) => g.members.some((m) => m.tensor === 'rnn.R'))!;
    const w = hidden.members.find((m) => m.tensor === 'rnn.W')!;
    expect(w).toMatchObject({ axis: 1 });
    expect(w.indices[1]).toEqual([1, 5, 9, 13]);
  });
});

describe('recurrent operands onnxruntime requires to agree', () => {
  it('an initial state of another batch, and W of another input size, are shape problems', () => {
    const b = new GraphBuilder({ seed: 4, opset: 17 });
    const x = b.input('x', 'float32', [5, 2, 4]);
    const h = b.input('h', 'float32', [1, 3, 3]);
    const w = b.weight('rnn', 'W', [1, 9, 6], { uniform: [-0.5, 0.5] });
    const r = b.weight('rnn', 'R', [1, 9, 3], { uniform: [-0.5, 0.5] });
    const y = b.node('GRU', [x, w, r, '', '', h], {
      name: 'rnn',
      outputs: [{ dtype: 'float32', shape: [5, 1, 2, 3] }],
      attrs: { hidden_size: 3 },
    })[0];
    b.output(y, 'y');
    const rules = inferShapes(b.build()).problems.map((p) => `${p.rule}: ${p.message}`);
    expect(rules).toEqual([
      'recurrent-input-size: W [1,9,6] reads 6 features, X has 4',
      'recurrent-state: initial state h [1,3,3] needs batch 2 and hidden 3',
    ]);
  });
});
