/** Constants and value-making ops (Constant, ConstantOfShape, Range, Cast...). Cast carries every axis. */
import { family } from '../def.js';
import { constantRule } from '../pool/channels.js';
import { constantOfShapeRule, rangeRule } from './channels.js';
import { unaryRule } from '../unary/channels.js';
import { constantRules } from './shape.js';
import { passEntry } from '../shape-entry.js';
import { constantOfShapeEntry } from './entries.js';

export const constantOps = family(constantRules, {
  Constant: { channels: constantRule },
  ConstantOfShape: { channels: constantOfShapeRule, params: 'all', shapeEntry: constantOfShapeEntry },
  Range: { channels: rangeRule, params: 'all' },
  Cast: { channels: unaryRule, shapeEntry: passEntry },
  CastLike: { channels: unaryRule },
});
