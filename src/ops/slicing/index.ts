/** Concat/Split/Slice move channel ranges (offset index maps); Squeeze/Unsqueeze renumber axes. */
import { family } from '../def.js';
import { reshapeRule } from '../shape-ops/reshape.js';
import { concatRule, sliceRule, splitRule } from './channels.js';
import { slicingRules } from './shape.js';

export const slicingOps = family(slicingRules, {
  Concat: { channels: concatRule },
  Split: { channels: splitRule },
  Slice: { channels: sliceRule },
  Squeeze: { channels: reshapeRule },
  Unsqueeze: { channels: reshapeRule },
});
