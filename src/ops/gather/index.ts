/** Gather and scatter ops: Gather passes channels on axes it does not index. */
import { family } from '../def.js';
import { gatherRule } from '../shape-ops/permute.js';
import { gatherRules } from './shape.js';
import { gatherEntry } from './entries.js';

// Its indices (input 1) are a per-layer parameter; the table (input 0) is a weight, kept shared.
export const gatherOps = family(gatherRules, {
  Gather: { channels: gatherRule, params: [1], shapeEntry: gatherEntry },
});
