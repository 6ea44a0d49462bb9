/**
 * Fused attention forms the committed fixtures do not hold, built in code: ONNX Attention 3-D with a
 * KV cache at opset 24 (heads pruned, cache shrinks, the oracle agrees, and why the oracle zeroes the
 * output projection), onnxruntime's packed Attention with a past and MultiHeadAttention with a packed
 * bias, and the forms that block
 * with their reason (packed QKV, value heads of another size, 4-D MultiHeadAttention key/value).
 */
import { describe, expect, it } from 'vitest';
import { attrInt } from '../../ir/attrs.js';
import { GraphBuilder } from '../../ir/builder/index.js';
import type { Value } from '../../ir/builder/index.js';
import type { Model } from '../../ir/types.js';
import { analyzeGroups } from '../../prune/groups.js';
import { prune } from '../../prune/prune.js';
import { verify } from '../../prune/verify.js';
import { mask } from '../../prune/mask.js';
import { zeroAlong } from '../../prune/slice.js';
import { compareTensors, createSession, randomInputs, releaseSession, run } from '../../runtime/index.js';

const E = 16;

/** A model built at opset 22 (the builder's newest) raised to `opset` (the fused ops are not built by it). */
function atOpset(m: Model, opset: number): Model {
  if (opset > 22) {
    m.opsetImports[0].version = opset;
    m.irVersion = 10;
  }
  return m;
}

/** x → q/k/v projections → `attend(q, k, v)` → o projection → output (`contrib`: imports com.microsoft). */
function layer(
  opset: number,
  widths: { q: number; k: number; v: number },
  attend: (b: GraphBuilder, q: Value, k: Value, v: Value) => Value,
  contrib = false,
): Model {
  const b = new GraphBuilder({ seed: 3, opset: Math.min(opset, 22) });
  const x = b.input('x', 'float32', [1, 'seq', E]);
  const [q, k, v] = (['q', 'k', 'v'] as const).map((n) => b.linear(x, widths[n], { name: `${n}_proj`, bias: false }));
  const y = attend(b, q, k, v);
  b.output(b.linear(y, E, { name: 'o_proj', bias: false }), 'y');
  const m = atOpset(b.build(), opset);
  if (contrib) m.opsetImports.push({ domain: 'com.microsoft', version: 1 });
  return m;
}

describe('ONNX Attention 3-D with a KV cache (opset 24, 4 query heads over 2 KV heads of 4)', () => {
  const model = (() => {
    const b = new GraphBuilder({ seed: 3, opset: 22 });
    const x = b.input('x', 'float32', [1, 'seq', E]);
    const past = ['past_key', 'past_value'].map((n) => b.input(n, 'float32', [1, 2, 'past', 4]));
    const [q, k, v] = [16, 8, 8].map((w, i) => b.linear(x, w, { name: `${'qkv'[i]}_proj`, bias: false }));
    const [y, pk, pv] = b.node('Attention', [q, k, v, '', ...past], {
      name: 'attention',
      outputs: [
        { dtype: 'float32', shape: [1, 'seq', 16] },
        { dtype: 'float32', shape: [1, 2, 'past+seq', 4] },
        { dtype: 'float32', shape: [1, 2, 'past+seq', 4] },
      ],
      attrs: { q_num_heads: 4, kv_num_heads: 2, is_causal: 1 },
    });
    b.output(b.linear(y, E, { name: 'o_proj', bias: false }), 'y');
    b.output(pk, 'present_key');
    b.output(pv, 'present_value');
    return atOpset(b.build(), 24);
  })();

  it('removes KV head 1 with query heads 2 and 3, shrinks the cache, and equals the mask oracle', async () => {
    const [unit] = analyzeGroups(model).attention;
    expect([unit.heads, unit.headSize, unit.blocked]).toEqual([2, 4, undefined]);
    const plan = { heads: [{ attention: unit.id, remove: [1] }] };
    const { model: pruned, report } = prune(model, plan);
    const node = pruned.graph.nodes.find((n) => n.opType === 'Attention')!;
    expect([attrInt(node, 'q_num_heads'), attrInt(node, 'kv_num_heads')]).toEqual([2, 1]);
    expect(report.interface.map((c) => [c.name, c.after?.[1]]).sort()).toEqual([
      ['past_key', 1],
      ['past_value', 1],
      ['present_key', 1],
      ['present_value', 1],
    ]);
    const feeds = [3, 1].map((s, i) =>
      randomInputs(model, { x: [1, s, E], past_key: [1, 2, 2, 4], past_value: [1, 2, 2, 4] }, { seed: i + 1 }),
    );
    const verified = await verify(model, pruned, plan, feeds);
    expect([verified.exact, verified.shapeMismatch]).toEqual([true, undefined]);
    expect(verified.maxDeviation).toBeLessThan(1e-4);
    const wrong = prune(model, { heads: [{ attention: unit.id, remove: [0] }] }).model;
    expect((await verify(model, wrong, plan, feeds)).maxDeviation).toBeGreaterThan(1e-3);
  });

  it('the oracle zeroes the output projection: a zeroed value slice is exact too, a zeroed query not', async () => {
    const [unit] = analyzeGroups(model).attention;
    const oracle = mask(model, { heads: [{ attention: unit.id, remove: [1] }] }).model;
    // KV head 1 serves query heads 2 and 3: query features 8..15, value features 4..7.
    const zeroed = (weight: string, from: number, to: number) => {
      const m = structuredClone(model);
      const w = m.graph.initializers.get(weight)!;
      m.graph.initializers.set(
        weight,
        zeroAlong(
          w,
          1,
          [...Array(to - from).keys()].map((i) => from + i),
        ),
      );
      return m;
    };
    const zeros = new Float32Array(2 * 2 * 4).fill(0);
    const past = { dtype: 'float32' as const, dims: [1, 2, 2, 4], data: zeros };
    const feeds = {
      ...randomInputs(model, { x: [1, 3, E], past_key: [1, 2, 2, 4], past_value: [1, 2, 2, 4] }, { seed: 5 }),
    };
    Object.assign(feeds, { past_key: past, past_value: past });
    const outputs = async (m: Model) => {
      const session = await createSession(m);
      const out = await run(session, feeds);
      await releaseSession(session);
      return out.y;
    };
    const want = await outputs(oracle);
    // The removed heads' outputs become softmax(scores)·0 = 0, as if removed.
    expect(compareTensors(await outputs(zeroed('v_proj.weight', 4, 8)), want).maxAbs).toBeLessThan(1e-6);
    // Scores become 0 and the softmax uniform: the heads output the mean of their values, not 0.
    expect(compareTensors(await outputs(zeroed('q_proj.weight', 8, 16)), want).maxAbs).toBeGreaterThan(1e-3);
  });
});

describe('onnxruntime Attention (packed QKV) with a past, MultiHeadAttention with a packed bias', () => {
  const check = async (model: Model, sizes: Record<string, number[]>[], attrs: Record<string, number>) => {
    const [unit] = analyzeGroups(model).attention;
    expect([unit.heads, unit.headSize, unit.blocked]).toEqual([4, 4, undefined]);
    const plan = { heads: [{ attention: unit.id, remove: [2] }] };
    const { model: pruned } = prune(model, plan);
    const node = pruned.graph.nodes.find((n) => n.domain === 'com.microsoft')!;
    for (const [k, v] of Object.entries(attrs)) expect(attrInt(node, k), k).toBe(v);
    const feeds = sizes.map((s, i) => randomInputs(model, s, { seed: i + 1 }));
    const verified = await verify(model, pruned, plan, feeds);
    expect([verified.exact, verified.shapeMismatch]).toEqual([true, undefined]);
    expect(verified.maxDeviation).toBeLessThan(1e-4);
  };

  it('packed Attention: weight columns, bias thirds and the past/present head axis shrink together', async () => {
    const b = new GraphBuilder({ seed: 4, opset: 17 });
    const x = b.input('x', 'float32', [1, 'seq', E]);
    const past = b.input('past', 'float32', [2, 1, 4, 'past', 4]);
    const w = b.weight('attention', 'qkv_weight', [E, 48], { fanIn: E });
    const bias = b.weight('attention', 'qkv_bias', [48], { fanIn: E });
    const [y, present] = b.node('Attention', [x, w, bias, '', past], {
      name: 'attention',
      domain: 'com.microsoft',
      outputs: [
        { dtype: 'float32', shape: [1, 'seq', 16] },
        { dtype: 'float32', shape: [2, 1, 4, 'past+seq', 4] },
      ],
      attrs: { num_heads: 4, unidirectional: 1 },
    });
    b.output(b.linear(y, E, { name: 'o_proj', bias: false }), 'y');
    b.output(present, 'present');
    const m = b.build();
    m.opsetImports.push({ domain: 'com.microsoft', version: 1 });
    await check(m, [{ x: [1, 3, E], past: [2, 1, 4, 2, 4] }], { num_heads: 3 });
  });

  it('MultiHeadAttention: query, key, value, the [q | k | v] bias and the output', async () => {
    const m = layer(
      17,
      { q: 16, k: 16, v: 16 },
      (b, q, k, v) =>
        b.node('MultiHeadAttention', [q, k, v, b.weight('attention', 'bias', [48], { fanIn: E })], {
          name: 'attention',
          domain: 'com.microsoft',
          outputs: [{ dtype: 'float32', shape: [1, 'seq', 16] }],
          attrs: { num_heads: 4 },
        })[0],
      true,
    );
    await check(m, [{ x: [1, 4, E] }], { num_heads: 3 });
  });
});

describe('ONNX Attention with a stored per-head mask (ALiBi-like additive bias [1, heads, S, T])', () => {
  it('slices the mask with the heads and equals the mask oracle', async () => {
    const m = layer(23, { q: 16, k: 16, v: 16 }, (b, q, k, v) => {
      const bias = b.weight('attention', 'head_bias', [1, 4, 3, 3], { uniform: [-2, 2] });
      return b.node('Attention', [q, k, v, bias], {
        name: 'attention',
        outputs: [{ dtype: 'float32', shape: [1, 'seq', 16] }],
        attrs: { q_num_heads: 4, kv_num_heads: 4 },
      })[0];
    });
    const [unit] = analyzeGroups(m).attention;
    expect([unit.heads, unit.blocked]).toEqual([4, undefined]);
    expect(unit.members.find((x) => x.tensor === 'attention.head_bias')?.axis).toBe(1);
    const plan = { heads: [{ attention: unit.id, remove: [1, 3] }] };
    const { model: pruned } = prune(m, plan);
    expect(pruned.graph.initializers.get('attention.head_bias')?.dims).toEqual([1, 2, 3, 3]);
    const verified = await verify(m, pruned, plan, [randomInputs(m, { x: [1, 3, E] }, { seed: 2 })]);
    expect([verified.exact, verified.shapeMismatch]).toEqual([true, undefined]);
    expect(verified.maxDeviation).toBeLessThan(1e-4);
  });
});

describe('forms that block with their reason', () => {
  const attention = (b: GraphBuilder, inputs: Value[], attrs: Record<string, number>, op = 'Attention', d = '') =>
    b.node(op, inputs, {
      name: 'attention',
      outputs: [{ dtype: 'float32', shape: [1, 'seq', 16] }],
      attrs,
      ...(d ? { domain: d } : {}),
    })[0];
  const unitOf = (m: Model) => analyzeGroups(m).groups.find((g) => g.id.startsWith('q_proj'))!;

  it('ONNX Attention whose value heads differ in size from the query heads', () => {
    const m = layer(23, { q: 16, k: 8, v: 16 }, (b, q, k, v) =>
      attention(b, [q, k, v], { q_num_heads: 4, kv_num_heads: 2 }),
    );
    expect(unitOf(m).blocked).toMatch(/value head size 8 differs from query head size 4/);
  });

  it('GroupQueryAttention with packed QKV (key and value absent)', () => {
    const m = layer(
      17,
      { q: 32, k: 8, v: 8 },
      (b, q) => {
        const seqlens = b.constant('seqlens_k', { dtype: 'int32', dims: [1], data: Int32Array.from([0]) });
        const total = b.constant('total', { dtype: 'int32', dims: [], data: Int32Array.from([1]) });
        return attention(
          b,
          [q, '', '', '', '', seqlens, total] as Value[],
          { num_heads: 4, kv_num_heads: 2 },
          'GroupQueryAttention',
          'com.microsoft',
        );
      },
      true,
    );
    expect(unitOf(m).blocked).toMatch(/packed QKV input \(key and value absent\) is not supported/);
  });

  it('MultiHeadAttention with key and value as separate widths', () => {
    const m = layer(
      17,
      { q: 16, k: 8, v: 8 },
      (b, q, k, v) => attention(b, [q, k, v], { num_heads: 4 }, 'MultiHeadAttention', 'com.microsoft'),
      true,
    );
    expect(unitOf(m).blocked).toMatch(/key\/value widths 8\/8 differ from the query's 16/);
  });
});

describe('ONNX Attention 3-D, grouped-query, without a cache (4 query heads over 2 KV heads of 4)', () => {
  it('a channel is a KV head with both its query heads (only the op ties them), equal to the oracle', async () => {
    const m = layer(
      23,
      { q: 16, k: 8, v: 8 },
      (b, q, k, v) =>
        b.node('Attention', [q, k, v], {
          name: 'attention',
          outputs: [{ dtype: 'float32', shape: [1, 'seq', 16] }],
          attrs: { q_num_heads: 4, kv_num_heads: 2 },
        })[0],
    );
    const [unit] = analyzeGroups(m).attention;
    // Was 4 one-query-head channels mapping onto half a KV head each: removing one left 3 query heads over 1.5.
    expect([unit.heads, unit.headSize, unit.blocked]).toEqual([2, 4, undefined]);
    const plan = { heads: [{ attention: unit.id, remove: [0] }] };
    const { model: pruned } = prune(m, plan);
    const node = pruned.graph.nodes.find((n) => n.opType === 'Attention')!;
    expect([attrInt(node, 'q_num_heads'), attrInt(node, 'kv_num_heads')]).toEqual([2, 1]);
    const verified = await verify(m, pruned, plan, [randomInputs(m, { x: [1, 3, E] }, { seed: 2 })]);
    expect([verified.exact, verified.shapeMismatch]).toEqual([true, undefined]);
    expect(verified.maxDeviation).toBeLessThan(1e-4);
  });
});
