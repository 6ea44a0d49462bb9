/** Any generated graph: a recipe of one of the families, and the model it builds. */
import fc from 'fast-check';
import type { Model } from '../ir/types.js';
import { dedupInitializers } from './exporter-dedup.js';
import { initializersAsInputs, storeWeights } from './weight-form.js';
import { attentionRecipe, buildAttention, type AttentionRecipe } from './attention.js';
import { buildNormalization, normalizationRecipe, type NormalizationRecipe } from './normalization.js';
import { buildResidual, residualRecipe, type ResidualRecipe } from './residual.js';

/** A generated graph's recipe: residual CNN, attention or normalization family. */
export type GraphRecipe = ResidualRecipe | AttentionRecipe | NormalizationRecipe;

/** The model a graph recipe of any family describes (residual, attention or normalization). */
export function buildGraph(r: GraphRecipe): Model {
  const model =
    r.family === 'residual' ? buildResidual(r) : r.family === 'attention' ? buildAttention(r) : buildNormalization(r);
  // As PyTorch exports: equal parameters kept once, other names re-created by Identity.
  const stored = storeWeights(model, r.weights ?? 'float32');
  const deduped = r.dedup ? dedupInitializers(stored) : stored;
  return r.initializersAsInputs ? initializersAsInputs(deduped) : deduped;
}

/**
 * A recipe family, or 'control-flow': residual CNNs with at least one `If` block (torch.jit.script's
 * idiom), 'kv-cache': attention stacks whose every layer reads a KV cache (past/present), 'fused':
 * attention stacks whose every layer is a fused op (MultiHeadAttention, GroupQueryAttention, opset-23
 * Attention), 'rope': attention stacks whose every decomposed layer applies RoPE.
 */
export type Family = GraphRecipe['family'] | 'control-flow' | 'kv-cache' | 'fused' | 'rope';

/** Every family, in the order `fuzz --families` lists them. */
export const FAMILIES: readonly Family[] = [
  'residual',
  'attention',
  'normalization',
  'control-flow',
  'kv-cache',
  'fused',
  'rope',
];

/** Recipes of the chosen families (default: residual, attention, normalization). */
export function graphRecipe(
  families: readonly Family[] = ['residual', 'attention', 'normalization'],
): fc.Arbitrary<GraphRecipe> {
  const table: Record<Family, fc.Arbitrary<GraphRecipe>> = {
    residual: residualRecipe(),
    attention: attentionRecipe(),
    normalization: normalizationRecipe(),
    'control-flow': residualRecipe({ controlFlow: true, maxBlocks: 3 }),
    'kv-cache': attentionRecipe({ kvCache: true }),
    fused: attentionRecipe({ fused: true }),
    rope: attentionRecipe({ rope: true }),
  };
  return fc.oneof(...families.map((f) => table[f]));
}

/** Graphs (recipe and model together, so a counterexample shows both). */
export function graphArbitrary(families?: readonly Family[]): fc.Arbitrary<{ recipe: GraphRecipe; model: Model }> {
  return graphRecipe(families).map((recipe) => ({ recipe, model: buildGraph(recipe) }));
}
