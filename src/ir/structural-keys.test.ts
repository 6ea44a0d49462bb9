/**
 * Structural keys survive what tools do to names: every node and internal tensor renamed, Constant
 * nodes turned into initializers. no-silent-broadcast matches a renamed node by its key, so a
 * renamed but correct pruning is no finding and a new broadcast in a renamed graph still is.
 */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './builder/index.js';
import { constantNodeValue } from './constants.js';
import type { Model } from './types.js';
import { structuralKeys } from './structural-keys.js';
import { noSilentBroadcast } from '../invariants/no-silent-broadcast.js';
import { prune } from '../prune/prune.js';
import { takeAlong } from '../prune/slice.js';

function mlp(): Model {
  const b = new GraphBuilder({ seed: 2, constants: 'constant-node' });
  const x = b.input('x', 'float32', ['batch', 6]);
  b.output(b.gemm(b.relu(b.gemm(x, 4, { name: 'fc1' })), 3, { name: 'fc2' }), 'logits');
  return b.build();
}

/** Every node and internal tensor renamed, Constant nodes as initializers (the interface keeps its names). */
function asToolsWrite(m: Model): Model {
  const c = structuredClone(m);
  const keep = new Set([...c.graph.inputs, ...c.graph.outputs].map((v) => v.name));
  const to = (n: string) => (keep.has(n) || n === '' ? n : `t_${n.length}_${n.replaceAll('.', '')}`);
  const constants = c.graph.nodes.filter((n) => n.opType === 'Constant');
  for (const n of constants) c.graph.initializers.set(n.outputs[0], constantNodeValue(n)!);
  c.graph.nodes = c.graph.nodes.filter((n) => n.opType !== 'Constant');
  c.graph.initializers = new Map([...c.graph.initializers].reverse().map(([k, v]) => [to(k), v]));
  c.graph.nodes.forEach((n, i) => {
    n.name = `node_${i}`;
    n.inputs = n.inputs.map(to);
    n.outputs = n.outputs.map(to);
  });
  return c;
}

describe('structural keys', () => {
  it('give each node the key of its counterpart after renaming and constant folding', () => {
    const dense = mlp();
    const before = structuralKeys(dense);
    const after = structuralKeys(asToolsWrite(dense));
    const ops = dense.graph.nodes.filter((n) => n.opType !== 'Constant');
    expect(ops.map((_, i) => after.get(`node_${i}`))).toEqual(ops.map((n) => before.get(n.name)));
    expect(new Set(before.values()).size).toBe(before.size);
  });

  it('let no-silent-broadcast judge a renamed pruning: a correct one passes, a new broadcast is found', () => {
    const dense = mlp();
    const plan = { version: 1 as const, channels: [{ group: 'fc1.weight#0', indices: [1] }] };
    const pruned = asToolsWrite(prune(dense, plan).model);
    expect(noSilentBroadcast({ dense, pruned, plan })).toEqual([]);
    // fc2's bias cut to one element: Gemm now stretches it over the 3 outputs.
    const broken = structuredClone(pruned);
    const [name, bias] = [...broken.graph.initializers].find(([, t]) => t.dims.join() === '3')!;
    broken.graph.initializers.set(name, takeAlong(bias, 0, [0]));
    expect(noSilentBroadcast({ dense, pruned: broken, plan }).map((f) => f.where)).toEqual(['node_2']);
  });
});
