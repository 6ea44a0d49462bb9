/** Concat/Split/Slice move channel ranges (offset index maps); Squeeze/Unsqueeze renumber axes. */
import { family } from '../def.js';
import { concatRule, sliceRule, splitRule } from './channels.js';
import { squeezeRule } from './squeeze.js';
import { slicingRules } from './shape.js';
import { passEntry } from '../shape-entry.js';
import { concatEntry, sliceEntry } from './entries.js';

export const slicingOps = family(slicingRules, {
  Concat: { channels: concatRule, params: 'all', shapeEntry: concatEntry },
  Split: { channels: splitRule, params: 'all' },
  Slice: { channels: sliceRule, params: 'all', shapeEntry: sliceEntry },
  Squeeze: { channels: squeezeRule, params: 'all', shapeEntry: passEntry },
  Unsqueeze: { channels: squeezeRule, params: 'all', shapeEntry: passEntry },
});
