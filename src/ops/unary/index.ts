/** Elementwise functions of one input (activations, Identity, Dropout, Clip...): every axis passes through. */
import { family, same } from '../def.js';
import { passEntry } from '../shape-entry.js';
import { roundEntry } from './entries.js';
import { softmaxRule } from '../norm/channels.js';
import { unaryRule } from './channels.js';
import { unaryRules } from './shape.js';

const CARRIED = [
  'Identity',
  'Dropout',
  'Clip',
  'Relu',
  'LeakyRelu',
  'Elu',
  'Selu',
  'Celu',
  'ThresholdedRelu',
  'Gelu',
  'Erf',
  'Sigmoid',
  'HardSigmoid',
  'HardSwish',
  'Tanh',
  'Softplus',
  'Softsign',
  'Mish',
  'Shrink',
  'Abs',
  'Neg',
  'Exp',
  'Log',
  'Sqrt',
  'Reciprocal',
  'Floor',
  'Ceil',
  'Round',
  'Sign',
  'Sin',
  'Cos',
  'Tan',
  'Atan',
  'Not',
  'IsNaN',
  'IsInf',
] as const;

export const unaryOps = family(unaryRules, {
  ...same(CARRIED, { channels: unaryRule }),
  Identity: { channels: unaryRule, shapeEntry: passEntry },
  Clip: { channels: unaryRule, params: 'all' },
  ...same(['Floor', 'Ceil', 'Round'], { channels: unaryRule, shapeEntry: roundEntry }),
  // Normalises over its axis: channels pass, but pruning that axis is not mask-exact.
  ...same(['Softmax', 'LogSoftmax'], { channels: softmaxRule }),
});
