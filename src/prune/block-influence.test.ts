import { describe, expect, it } from 'vitest';
import { tensor } from '../ir/tensor.js';
import { loadModelFile } from '../onnx/load.js';
import { blockInfluence, leastInfluential } from './block-influence.js';
import { defaultFeeds } from './feeds.js';
import { residualBlocks } from './layers.js';

const LLAMA = 'fixtures/models/llama_gqa_op17.onnx';

/** The llama fixture with layer `k`'s two projections back into the stream (o_proj, down_proj) zeroed. */
function silenced(k: number) {
  const m = loadModelFile(LLAMA);
  for (const node of m.graph.nodes) {
    if (!/^\/layers\.\d+\/(self_attn\/o_proj|mlp\/down_proj)\/MatMul$/.test(node.name)) continue;
    if (!node.name.startsWith(`/layers.${k}/`)) continue;
    const w = m.graph.initializers.get(node.inputs[1])!;
    m.graph.initializers.set(node.inputs[1], tensor('float32', w.dims));
  }
  return m;
}

describe('block influence (ShortGPT)', () => {
  it("finds the decoder layers by the exporter's names, and not the norms or projections inside them", () => {
    const blocks = residualBlocks(loadModelFile(LLAMA));
    expect(blocks.map((b) => b.name)).toEqual(['layers.0', 'layers.1']);
    expect(blocks[1].input).toBe(blocks[0].output);
  });

  it('a block that adds nothing to the stream has influence 0 and is the one a plan removes', async () => {
    for (const k of [0, 1]) {
      const m = silenced(k);
      const ranked = await blockInfluence(m, residualBlocks(m), [defaultFeeds(m, 1)], LLAMA);
      expect(ranked[0]).toMatchObject({ name: `layers.${k}`, per: 'token' });
      expect(ranked[0].influence).toBeCloseTo(0, 6);
      expect(ranked[1].influence).toBeGreaterThan(1e-4);
      expect(leastInfluential(ranked, 1).map((b) => b.name)).toEqual([`layers.${k}`]);
    }
  });

  it('never picks two blocks of which one holds the other', () => {
    const at = (name: string, influence: number) => ({
      name,
      influence,
      input: '',
      output: '',
      nodes: 1,
      per: 'token' as const,
      samples: 1,
    });
    const ranked = [at('enc/layers', 0.01), at('enc/layers/l1', 0.02), at('enc/layers2', 0.03)];
    expect(leastInfluential(ranked, 3).map((b) => b.name)).toEqual(['enc/layers', 'enc/layers2']);
  });
});
