/** Broadcasting elementwise ops (Add, Mul, Where, PRelu, comparisons...): aligned axes carry the same channels. */
import { family, same } from '../def.js';
import { arithmeticEntry, equalEntry, mulEntry, whereEntry } from './entries.js';
import { elementwiseRule } from './channels.js';
import { elementwiseRules } from './shape.js';

/** Bitwise ops have no channel rule (integer data carries no learned channels): a group reaching one blocks. */
const CARRIED = [
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Pow',
  'PRelu',
  'Max',
  'Min',
  'Sum',
  'Mean',
  'Where',
  'Mod',
  'Equal',
  'Less',
  'LessOrEqual',
  'Greater',
  'GreaterOrEqual',
  'And',
  'Or',
  'Xor',
  'BitShift',
] as const;

/** Their stored operands are per-layer parameters (biases, scales, bounds): copied per use when shared. */
const channels = { channels: elementwiseRule };
const params = { ...channels, params: 'all' as const };

export const elementwiseOps = family(elementwiseRules, {
  ...same(CARRIED, channels),
  ...same(['Pow', 'PRelu', 'Max', 'Min'], params),
  ...same(['Add', 'Sub', 'Div'], { ...params, shapeEntry: arithmeticEntry }),
  Mul: { ...params, shapeEntry: mulEntry },
  Where: { ...params, shapeEntry: whereEntry },
  Equal: { ...channels, shapeEntry: equalEntry },
});
