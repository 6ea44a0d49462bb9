/** Normalizations: per-channel parameters slice with the channels; statistics over a pruned axis are inexact. */
import { family } from '../def.js';
import { batchNormRule, groupNormRule, instanceNormRule, layerNormRule } from './channels.js';
import { normRules } from './shape.js';
import { skipNormRule, skipNormShape } from './skip.js';

export const normOps = family(normRules, {
  BatchNormalization: { channels: batchNormRule, params: 'all' },
  InstanceNormalization: { channels: instanceNormRule, params: 'all' },
  LayerNormalization: { channels: layerNormRule, params: 'all' },
  GroupNormalization: { channels: groupNormRule, params: 'all' },
  RMSNormalization: { channels: layerNormRule },
  SimplifiedLayerNormalization: { channels: layerNormRule },
});

/** onnxruntime's fused residual norms (com.microsoft). */
export const contribNormOps = family(
  { SkipLayerNormalization: skipNormShape, SkipSimplifiedLayerNormalization: skipNormShape },
  {
    SkipLayerNormalization: { channels: skipNormRule },
    SkipSimplifiedLayerNormalization: { channels: skipNormRule },
  },
);
