/**
 * Shape-manipulating ops: Reshape/Flatten regroup axes (head splits), Transpose permutes, Expand/Tile
 * broadcast, Pad pads spatial axes, Shape/Size read a runtime size (which adapts by itself).
 */
import { family } from '../def.js';
import { expandRule, padRule, shapeReadRule } from '../pool/channels.js';
import { transposeRule } from './permute.js';
import { reshapeRule } from './reshape.js';
import { shapeOpRules } from './shape.js';
import { reshapeEntry, shapeEntry } from './entries.js';

export const shapeOps = family(shapeOpRules, {
  Reshape: { channels: reshapeRule, params: 'all', shapeEntry: reshapeEntry },
  Flatten: { channels: reshapeRule },
  Transpose: { channels: transposeRule },
  Expand: { channels: expandRule, params: 'all' },
  Tile: { channels: expandRule, params: 'all' },
  Pad: { channels: padRule, params: 'all' },
  Shape: { channels: shapeReadRule, shapeEntry },
  Size: { channels: shapeReadRule },
});
