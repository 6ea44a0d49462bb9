/** Constants and value-making ops (Constant, ConstantOfShape, Range, Cast...). Cast carries every axis. */
import { family } from '../def.js';
import { constantRule } from '../pool/channels.js';
import { unaryRule } from '../unary/channels.js';
import { constantRules } from './shape.js';

export const constantOps = family(constantRules, {
  Constant: { channels: constantRule },
  Cast: { channels: unaryRule },
  CastLike: { channels: unaryRule },
});
