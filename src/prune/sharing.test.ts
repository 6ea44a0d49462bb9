/** Shared stored tensors: exporter-de-duplicated constants un-shared per layer, tied embeddings kept tied. */
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../onnx/load.js';
import { randomInputs } from '../runtime/index.js';
import { analyzeGroups } from './groups.js';
import { prune } from './prune.js';
import { sharedConstants } from './sharing.js';
import { verify } from './verify.js';
import type { Model, Tensor } from '../ir/types.js';

const DIR = 'fixtures/models';

/** The stored tensor a node reads at `slot` (through an Identity alias). */
function read(m: Model, node: string, slot: number): Tensor {
  const n = m.graph.nodes.find((x) => x.name === node)!;
  const name = n.inputs[slot];
  const alias = m.graph.nodes.find((x) => x.opType === 'Identity' && x.outputs[0] === name);
  return m.graph.initializers.get(alias ? alias.inputs[0] : name)!;
}

describe('ALiBi slopes equal in every layer (torch keeps one initializer)', () => {
  const dense = loadModelFile(`${DIR}/alibi_gqa_op17.onnx`);

  it('the dense file reads one slopes tensor in both layers; inspect names it un-shared', () => {
    expect(read(dense, '/layers.1/self_attn/Mul_4', 0)).toBe(read(dense, '/layers.0/self_attn/Mul_4', 0));
    const analysis = analyzeGroups(dense);
    const slopes = sharedConstants(analysis).find((s) => s.tensor === 'layers.0.self_attn.slopes');
    expect(slopes).toMatchObject({
      kind: 'unshared',
      uses: ['/layers.0/self_attn/Mul_4', '/layers.1/self_attn/Mul_4'],
    });
    // Each layer's heads are a unit of their own (the slopes would couple them otherwise).
    expect(analysis.attention.filter((u) => !u.query).map((u) => [u.heads, u.blocked])).toEqual([
      [2, undefined],
      [2, undefined],
    ]);
  });

  it("removing a KV head of layer 1 slices layer 1's slopes only; the oracle agrees", async () => {
    const units = analyzeGroups(dense).attention.filter((u) => !u.query);
    const plan = { heads: [{ attention: units[1].id, remove: [0] }] };
    const { model: pruned } = prune(dense, plan);
    const slopes = (layer: number) =>
      Array.from(read(pruned, `/layers.${layer}/self_attn/Mul_4`, 0).data as Float32Array);
    expect(slopes(0)).toEqual([0.25, 0.0625, 0.015625, 0.00390625]);
    expect(slopes(1)).toEqual([0.015625, 0.00390625]);
    const feeds = [1, 5].map((t, i) => randomInputs(dense, { input_ids: [1 + i, t] }, { seed: i + 1, vocab: 64 }));
    const verified = await verify(dense, pruned, plan, feeds);
    expect(verified).toMatchObject({ exact: true });
    expect(verified.maxDeviation).toBeLessThan(1e-4);
  });
});

describe('tied embeddings', () => {
  it('torch folds a tied LM head into a transposed copy: inspect says so; pruning keeps the two tied', async () => {
    const dense = loadModelFile(`${DIR}/llama_gqa_op17.onnx`);
    const analysis = analyzeGroups(dense);
    const tie = sharedConstants(analysis).find((s) => s.kind === 'tied-transposed');
    expect(tie).toMatchObject({ tensor: 'embed_tokens.weight', uses: ['/embed_tokens/Gather', '/lm_head/MatMul'] });
    // The hidden dimension (RMSNorm'd, not mask-exact) holds both copies; pruning it slices them alike.
    const hidden = analysis.groups.find((g) => g.members.some((m) => m.tensor === 'embed_tokens.weight'))!;
    expect(hidden.members.map((m) => m.tensor)).toContain(tie!.with);
    const { model: pruned } = prune(dense, { channels: [{ group: hidden.id, indices: [0, 5, 31] }] });
    const [emb, head] = [pruned.graph.initializers.get('embed_tokens.weight')!, read(pruned, '/lm_head/MatMul', 1)];
    expect([emb.dims, head.dims]).toEqual([
      [64, 29],
      [29, 64],
    ]);
    const [e, h] = [emb.data as Float32Array, head.data as Float32Array];
    for (let v = 0; v < 64; v++) for (let d = 0; d < 29; d++) expect(h[d * 64 + v]).toBe(e[v * 29 + d]);
    // The vocabulary axis is the logits' own: blocked with that reason, never pruned on one side only.
    const vocab = analysis.groups.find((g) => g.members.some((m) => m.tensor === tie!.with && m.axis === 1));
    expect(vocab?.blocked).toMatch(/graph output logits keeps its shape/);
  });
});
