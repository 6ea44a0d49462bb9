/** Reductions (Reduce*, ArgMax/ArgMin, TopK): kept axes carry channels, a reduced one is summed over (inexact). */
import { family, same } from '../def.js';
import { reduceRule } from '../norm/channels.js';
import { reduceRules } from './shape.js';

const CARRIED = [
  'ReduceMean',
  'ReduceSum',
  'ReduceMax',
  'ReduceMin',
  'ReduceProd',
  'ReduceL1',
  'ReduceL2',
  'ReduceLogSumExp',
  'ReduceSumSquare',
] as const;

export const reduceOps = family(reduceRules, {
  ...same(CARRIED, { channels: reduceRule }),
  // Their axes input (opset 18) is a per-layer parameter.
  ...same(['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin'], { channels: reduceRule, params: 'all' }),
});
