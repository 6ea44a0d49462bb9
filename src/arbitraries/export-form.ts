/** How a generated graph stores its weights, as exporters differ: the part every family's recipe shares. */
import fc from 'fast-check';

export interface ExportForm {
  /** Where weights live: initializers, or `Constant` nodes as some exporters write them. */
  constants: 'initializer' | 'constant-node';
  /** Value-identical initializers kept once and aliased by Identity, as PyTorch's exporter does. */
  dedup: boolean;
}

/** Record fields to spread into a family's recipe arbitrary (simplest choice first, for shrinking). */
export const exportFormFields = {
  constants: fc.constantFrom<ExportForm['constants']>('constant-node', 'initializer'),
  dedup: fc.boolean(),
};
