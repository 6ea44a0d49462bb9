/**
 * Default feeds for `--verify`: symbolic batch 2, other symbolic dims 4 (32 for
 * image-like spatial dims), token ids bounded by the embedding table they index.
 */
import { indexGraph } from '../ir/graph-index.js';
import { constantValue } from '../ir/constants.js';
import type { Model } from '../ir/types.js';
import { feedableInputs, randomInputs, type Feeds } from '../runtime/index.js';

/** Smallest row count of a table an integer input is gathered from (the vocabulary bound). */
function vocabOf(model: Model): number {
  const index = indexGraph(model.graph);
  let vocab = Infinity;
  for (const input of feedableInputs(model)) {
    for (const use of index.consumers.get(input.name) ?? []) {
      if (use.node.opType !== 'Gather' || use.slot !== 1) continue;
      const t = constantValue(model.graph, use.node.inputs[0], index);
      if (t) vocab = Math.min(vocab, t.dims[0]);
    }
  }
  return Number.isFinite(vocab) ? vocab : 10;
}

export function defaultFeeds(model: Model, seed: number, scale = 1): Feeds {
  const sizes: Record<string, number[]> = {};
  for (const input of feedableInputs(model)) {
    const shape = input.shape ?? [];
    sizes[input.name] = shape.map((d, i) => {
      if (typeof d === 'number') return d;
      if (i === 0) return 2 * scale;
      return shape.length === 4 && i >= 2 ? 32 : 4 * scale + 1;
    });
  }
  return randomInputs(model, sizes, { seed, vocab: vocabOf(model) });
}
