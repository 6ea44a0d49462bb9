/**
 * Default feeds for `--verify`: sizes the graph accepts (input-sizes.ts: declared dims kept,
 * symbolic ones as small as the graph allows), token ids bounded by the embedding table they index.
 */
import { indexGraph } from '../ir/graph-index.js';
import { constantValue } from '../ir/constants.js';
import type { Model } from '../ir/types.js';
import { feedableInputs, randomInputs, type Feeds } from '../runtime/index.js';
import { fromNumbers } from '../ir/tensor.js';
import { decidingValues } from './deciding-values.js';
import { chooseSizes, type Sizes } from './input-sizes.js';

/** Smallest row count of a table an integer input is gathered from (the vocabulary bound). */
export function vocabOf(model: Model): number {
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

/**
 * Seeded random feeds at the default sizes (or at `fixed` sizes for the inputs it names).
 * @param run which feed set of a series this is: run k feeds each input that decides a branch
 *   (deciding-values.ts) its k-th deciding value, random beyond, so a series runs every branch,
 *   when sizes exist that every branch accepts.
 * @example defaultFeeds(model, 1) // { input: float32[2,3,32,32] }
 */
export function defaultFeeds(model: Model, seed: number, scale = 1, fixed: Sizes = {}, run?: number): Feeds {
  const { sizes, everyBranch } = chooseSizes(model, scale, fixed);
  const feeds = randomInputs(model, sizes, { seed, vocab: vocabOf(model) });
  if (run === undefined || !everyBranch) return feeds;
  for (const [name, values] of decidingValues(model)) {
    if (run >= values.length) continue;
    const t = feeds[name];
    feeds[name] = fromNumbers(t.dtype, t.dims, [values[run]]);
  }
  return feeds;
}
