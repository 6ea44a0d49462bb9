/** Gather and scatter ops: Gather passes channels on axes it does not index. */
import { family } from '../def.js';
import { gatherRule } from '../shape-ops/permute.js';
import { gatherRules } from './shape.js';

export const gatherOps = family(gatherRules, { Gather: { channels: gatherRule } });
