/** Recurrent layers: shapes in both layouts, and input features pruned through W equal to the mask oracle. */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../ir/builder/graph-builder.js';
import type { Model } from '../../ir/types.js';
import { analyzeGroups } from '../../prune/groups.js';
import { pruneAndVerify } from '../../prune/testing/check.test-helpers.js';
import { inferShapes } from '../../shape/infer.js';
import type { RuleContext } from '../channel-rule.js';
import { recurrentRule } from './channels.js';

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

  it('blocks the hidden size with its reason', () => {
    const node = recurrentNet('LSTM').graph.nodes.find((n) => n.opType === 'LSTM')!;
    const ctx = { node, isStored: () => true } as unknown as RuleContext;
    expect(recurrentRule.links(ctx, { io: 'out', slot: 0, axis: 3 })).toEqual({
      blocked: 'output 0 axis 3: only input features are pruned (hidden size and gates are not)',
    });
    expect(recurrentRule.links(ctx, { io: 'in', slot: 2, axis: 2 })).toHaveProperty('blocked');
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
