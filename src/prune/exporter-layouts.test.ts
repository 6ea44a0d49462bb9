/**
 * Exporter layouts found on decoders kept outside the repository (scripts/make_wild_decoders.py,
 * wild-decoders.test.ts), each as a small built graph: Linears exported without constant folding
 * (`MatMul(x, Transpose(W))`), and GPT-2's stacked cache (`past [2, B, S, C]` read as `past[0]`,
 * `past[1]`, grown, and `torch.stack`ed into `present` where the model loops over its layers).
 */
import { describe, expect, it } from 'vitest';
import { fromNumbers } from '../ir/tensor.js';
import { indexGraph } from '../ir/graph-index.js';
import type { Node } from '../ir/types.js';
import { createSession, randomInputs, releaseSession, run } from '../runtime/index.js';
import { intAttr, intsAttr, model, node, vi, weights } from '../runtime/tiny-models.test-helpers.js';
import { analyzeGroups } from './groups.js';
import { cacheInterface } from './kv-cache.js';
import { prune } from './prune.js';
import { pruneAndVerify } from './testing/check.test-helpers.js';

describe('a Linear exported without constant folding: MatMul(x, Transpose(W)) with W stored [out, in]', () => {
  const unfolded = () =>
    model(
      [
        node('Transpose', ['fc1.weight'], ['w1t'], [intsAttr('perm', [1, 0])]),
        node('MatMul', ['x', 'w1t'], ['h0']),
        node('Relu', ['h0'], ['h1']),
        node('Transpose', ['fc2.weight'], ['w2t']), // no perm: reversed axes
        node('MatMul', ['h1', 'w2t'], ['y']),
      ],
      [vi('x', 'float32', ['batch', 4])],
      [vi('y', 'float32', ['batch', 3])],
      { 'fc1.weight': weights([8, 4], 1), 'fc2.weight': weights([3, 8], 2) },
    );

  it('the hidden channels are one mask-exact group: rows of fc1.weight, columns of fc2.weight', () => {
    const [group, ...rest] = analyzeGroups(unfolded()).groups.filter((g) => !g.blocked);
    expect(rest).toEqual([]);
    expect(group).toMatchObject({ channels: 8, maskExact: true });
    expect(group.members.map((m) => [m.tensor, m.axis, m.entry]).sort()).toEqual([
      ['fc1.weight', 0, false],
      ['fc2.weight', 1, true],
    ]);
  });

  it('removing hidden channels slices the stored weights and equals the mask oracle', async () => {
    const dense = unfolded();
    const id = analyzeGroups(dense).groups.find((g) => !g.blocked)!.id;
    const { pruned, verified } = await pruneAndVerify(dense, { channels: [{ group: id, indices: [1, 6] }] }, [
      { x: [3, 4] },
    ]);
    expect(pruned.graph.initializers.get('fc1.weight')!.dims).toEqual([6, 4]);
    expect(pruned.graph.initializers.get('fc2.weight')!.dims).toEqual([3, 6]);
    expect(verified).toMatchObject({ exact: true, pass: true });
    expect(verified.maxDeviation).toBeLessThanOrEqual(1e-6);
  });
});

/**
 * Two residual blocks `/h.{i}/` with a stacked cache each: k = x·Wk, v = x·Wv grown from `past.{i}[0]`,
 * `past.{i}[1]` (Gather on axis 0), attention over them, x + a·Wo. The stack into `present.{i}` is
 * built outside the blocks (`/Unsqueeze_*`, `/Concat_*`), as a model looping over its layers writes it.
 */
function stackedCacheModel() {
  const C = 4;
  const nodes: Node[] = [];
  const inits: Record<string, ReturnType<typeof weights>> = {
    zero: fromNumbers('int64', [], [0]),
    one: fromNumbers('int64', [], [1]),
    axes0: fromNumbers('int64', [1], [0]),
  };
  let x = 'x';
  for (const i of [0, 1]) {
    const p = `/h.${i}/`;
    const n = (op: string, ins: string[], out: string, attrs = [] as Node['attributes']) =>
      nodes.push(node(op, ins, [p + out], attrs));
    n('Gather', [`past.${i}`, 'zero'], 'pk', [intAttr('axis', 0)]);
    n('Gather', [`past.${i}`, 'one'], 'pv', [intAttr('axis', 0)]);
    n('MatMul', [x, `wk${i}`], 'k');
    n('MatMul', [x, `wv${i}`], 'v');
    n('Concat', [p + 'pk', p + 'k'], 'kc', [intAttr('axis', 1)]);
    n('Concat', [p + 'pv', p + 'v'], 'vc', [intAttr('axis', 1)]);
    n('Transpose', [p + 'kc'], 'kt', [intsAttr('perm', [0, 2, 1])]);
    n('MatMul', [x, p + 'kt'], 's');
    n('Softmax', [p + 's'], 'att', [intAttr('axis', -1)]);
    n('MatMul', [p + 'att', p + 'vc'], 'a');
    n('MatMul', [p + 'a', `wo${i}`], 'o');
    n('Add', [x, p + 'o'], 'out');
    nodes.push(
      node('Unsqueeze', [p + 'kc', 'axes0'], [`/Unsqueeze_k${i}`]),
      node('Unsqueeze', [p + 'vc', 'axes0'], [`/Unsqueeze_v${i}`]),
      node('Concat', [`/Unsqueeze_k${i}`, `/Unsqueeze_v${i}`], [`present.${i}`], [intAttr('axis', 0)], `/Concat_${i}`),
    );
    Object.assign(inits, {
      [`wk${i}`]: weights([C, C], 10 + i),
      [`wv${i}`]: weights([C, C], 20 + i),
      [`wo${i}`]: weights([C, C], 30 + i),
    });
    x = p + 'out';
  }
  nodes.push(node('Identity', [x], ['y']));
  return model(
    nodes,
    [
      vi('x', 'float32', ['batch', 'seq', C]),
      vi('past.0', 'float32', [2, 'batch', 'past', C]),
      vi('past.1', 'float32', [2, 'batch', 'past', C]),
    ],
    [
      vi('y', 'float32', ['batch', 'seq', C]),
      vi('present.0', 'float32', [2, 'batch', 'past+seq', C]),
      vi('present.1', 'float32', [2, 'batch', 'past+seq', C]),
    ],
    inits,
  );
}

describe('a stacked KV cache [2, B, S, C] (GPT-2 legacy)', () => {
  it('is a KV cache: past[0] and past[1] grown and stacked into present', () => {
    const m = stackedCacheModel();
    expect([...cacheInterface(m.graph, indexGraph(m.graph))].sort()).toEqual([
      'past.0',
      'past.1',
      'present.0',
      'present.1',
    ]);
  });

  it('removing a block takes its stacked cache (input and output) and the stack built outside it', async () => {
    const dense = stackedCacheModel();
    const { model: pruned, report } = prune(dense, { layers: [{ remove: 'h.1' }] });
    expect(report.layers.map((l) => [l.name, l.input])).toEqual([['h.1', '/h.0/out']]);
    expect(report.interface.map((c) => `${c.kind} ${c.name} ${c.after === null ? 'removed' : 'changed'}`)).toEqual([
      'input past.1 removed',
      'output present.1 removed',
    ]);
    expect(pruned.graph.nodes.some((n) => n.name === '/Concat_1' || n.name.startsWith('/h.1/'))).toBe(false);
    const feeds = randomInputs(dense, { x: [2, 3, 4], 'past.0': [2, 2, 5, 4], 'past.1': [2, 2, 5, 4] }, { seed: 1 });
    const session = await createSession(pruned);
    const out = await run(session, { x: feeds.x, 'past.0': feeds['past.0'] });
    await releaseSession(session);
    expect(Object.keys(out).sort()).toEqual(['present.0', 'y']);
    expect(out['present.0'].dims).toEqual([2, 2, 8, 4]);
  });
});
