/** Pooling: channels (axis 1) and batch pass through; spatial axes carry no channels. */
import { family, same } from '../def.js';
import { poolRule } from './channels.js';
import { poolRules } from './shape.js';

export const poolOps = family(
  poolRules,
  same(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'LpPool', 'GlobalLpPool'], {
    channels: poolRule,
  }),
);
