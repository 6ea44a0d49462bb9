/**
 * Shape-manipulating ops: Reshape/Flatten regroup axes (head splits), Transpose permutes, Expand/Tile
 * broadcast, Pad pads spatial axes, Shape/Size read a runtime size (which adapts by itself).
 */
import { family } from '../def.js';
import { expandRule, padRule, shapeReadRule } from '../pool/channels.js';
import { transposeRule } from './permute.js';
import { reshapeRule } from './reshape.js';
import { shapeOpRules } from './shape.js';

export const shapeOps = family(shapeOpRules, {
  Reshape: { channels: reshapeRule },
  Flatten: { channels: reshapeRule },
  Transpose: { channels: transposeRule },
  Expand: { channels: expandRule },
  Tile: { channels: expandRule },
  Pad: { channels: padRule },
  Shape: { channels: shapeReadRule },
  Size: { channels: shapeReadRule },
});
