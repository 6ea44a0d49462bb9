/**
 * Random normalization graphs: conv stacks with BatchNorm, GroupNorm and
 * InstanceNorm, and token stacks with LayerNorm (op and decomposed) and RMSNorm
 * as exporters write it (Pow/ReduceMean/Add/Sqrt/Div/Mul).
 */
import fc from 'fast-check';
import { exportFormFields, type ExportForm } from './export-form.js';
import { GraphBuilder } from '../ir/builder/index.js';
import type { Model } from '../ir/types.js';

export type ChannelNorm = 'batch' | 'group' | 'instance';
export type FeatureNorm = 'layer' | 'layer-decomposed' | 'rms';

export interface NormalizationRecipe extends ExportForm {
  family: 'normalization';
  opset: number;
  layout: 'conv' | 'tokens';
  layers: { width: number; norm: ChannelNorm | FeatureNorm; act: boolean }[];
  classes: number;
  seed: number;
}

/**
 * fast-check arbitrary of normalization-heavy recipes (LayerNorm, GroupNorm, InstanceNorm layers) for
 * buildNormalization.
 */
export function normalizationRecipe(c: { maxLayers?: number } = {}): fc.Arbitrary<NormalizationRecipe> {
  const n = c.maxLayers ?? 4;
  return fc.oneof(
    fc.record({
      family: fc.constant('normalization' as const),
      opset: fc.constantFrom(18, 17, 13),
      layout: fc.constant('conv' as const),
      layers: fc.array(
        fc.record({
          width: fc.integer({ min: 1, max: 4 }).map((k) => 2 * k),
          norm: fc.constantFrom<ChannelNorm | FeatureNorm>('instance', 'batch', 'group'),
          act: fc.boolean(),
        }),
        { minLength: 1, maxLength: n },
      ),
      classes: fc.integer({ min: 2, max: 3 }),
      ...exportFormFields,
      seed: fc.nat({ max: 1000 }),
    }),
    fc.record({
      family: fc.constant('normalization' as const),
      opset: fc.constantFrom(17, 14),
      layout: fc.constant('tokens' as const),
      layers: fc.array(
        fc.record({
          width: fc.integer({ min: 2, max: 8 }),
          norm: fc.constantFrom<ChannelNorm | FeatureNorm>('layer', 'rms', 'layer-decomposed'),
          act: fc.boolean(),
        }),
        { minLength: 1, maxLength: n },
      ),
      classes: fc.integer({ min: 2, max: 3 }),
      ...exportFormFields,
      seed: fc.nat({ max: 1000 }),
    }),
  );
}

/** The model a normalizationRecipe describes (deterministic weights). */
export function buildNormalization(r: NormalizationRecipe): Model {
  const b = new GraphBuilder({ name: 'normalization', opset: r.opset, seed: r.seed, constants: r.constants });
  if (r.layout === 'conv') {
    let x = b.input('x', 'float32', ['batch', 2, 4, 4]);
    r.layers.forEach(({ width, norm, act }) => {
      x = b.conv(x, width, { kernel: 3, pad: 1 });
      const kind = norm as ChannelNorm;
      x = kind === 'batch' ? b.batchNorm(x) : kind === 'instance' ? b.instanceNorm(x) : b.groupNorm(x, { groups: 2 });
      if (act) x = b.relu(x);
    });
    b.output(b.gemm(b.flatten(b.globalAveragePool(x)), r.classes, { name: 'fc' }), 'logits');
  } else {
    let x = b.input('x', 'float32', ['batch', 'seq', 4]);
    r.layers.forEach(({ width, norm, act }) => {
      x = b.linear(x, width);
      const kind = norm as FeatureNorm;
      x = kind === 'layer' ? b.layerNorm(x) : kind === 'rms' ? b.rmsNorm(x) : b.layerNormDecomposed(x);
      if (act) x = b.gelu(x);
    });
    b.output(b.gemm(b.reduceMean(x, { axes: [1], keepdims: false }), r.classes, { name: 'fc' }), 'logits');
  }
  return b.build();
}
