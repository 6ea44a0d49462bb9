/** How a generated graph stores its weights, as exporters differ: the part every family's recipe shares. */
import fc from 'fast-check';
import type { WeightStorage } from './weight-form.js';

export interface ExportForm {
  /** Where weights live: initializers, or `Constant` nodes as some exporters write them. */
  constants: 'initializer' | 'constant-node';
  /** Value-identical initializers kept once and aliased by Identity, as PyTorch's exporter does. */
  dedup: boolean;
  /** Layer weights as float32, float16 + Cast, or int8 + per-channel DequantizeLinear (QDQ). */
  weights: WeightStorage;
  /** Every initializer also listed as a graph input (IR < 4, `keep_initializers_as_inputs`). */
  initializersAsInputs: boolean;
}

/** Record fields to spread into a family's recipe arbitrary (simplest choice first, for shrinking). */
export const exportFormFields = {
  constants: fc.constantFrom<ExportForm['constants']>('constant-node', 'initializer'),
  dedup: fc.boolean(),
  // Plain float32 stays the common case (as most exports are), so suites that need a particular
  // layer meet it as often as before; fp16 and QDQ weights come in one case of three.
  weights: fc.oneof(
    { withCrossShrink: true },
    { weight: 4, arbitrary: fc.constant<WeightStorage>('float32') },
    { weight: 1, arbitrary: fc.constant<WeightStorage>('float16') },
    { weight: 1, arbitrary: fc.constant<WeightStorage>('qdq-int8') },
  ),
  initializersAsInputs: fc.boolean(),
};
