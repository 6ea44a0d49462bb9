/**
 * Convolutions: Conv and ConvTranspose carry learned kernels (input 1) whose output channels (axis 1)
 * seed propagation; ConvInteger and QLinearConv prune like Conv, their scales and zero points sliced along.
 */
import type { ChannelRule, OpDef, WeightInput } from '../def.js';
import { family, positionsExcept } from '../def.js';
import { integerRule } from '../integer-rule.js';
import { convRule, convTransposeRule } from './channels.js';
import { convRules } from './shape.js';

const kernel: WeightInput = { slot: 1, reductionAxis: (rank) => (rank >= 3 ? 1 : undefined) };
/** ConvTranspose's kernel is [Cin, Cout/g, k...]: no N:M convention exists for it. */
const transposedKernel: WeightInput = { slot: 1, reductionAxis: () => undefined };

const outputChannels: Pick<OpDef, 'seeds' | 'positions'> = {
  seeds: (_node, view) => (view.stored(1) ? [1] : []),
  positions: (_node, _slot, output) => positionsExcept(output, [1]),
};

/**
 * ConvInteger(x, w, x_zero_point, w_zero_point) and QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B).
 */
const convIntegerRule = integerRule(convRule, {
  slots: [0, 1],
  operands: [
    { of: 0, zeroPoint: 2, axis: () => 1 },
    { of: 1, zeroPoint: 3, axis: () => 0 },
  ],
  perTensor: [],
});
const qlinearConvRule = integerRule(convRule, {
  slots: [0, 3, 8],
  operands: [
    { of: 0, scale: 1, zeroPoint: 2, axis: () => 1 },
    { of: 1, scale: 4, zeroPoint: 5, axis: () => 0 },
  ],
  perTensor: [6, 7],
});

/**
 * Integer convolutions: their weights (int8/uint8) count as parameters and MACs, and they prune like Conv
 * with the weight's per-channel scale and zero point sliced along (`integer-rule.ts`).
 */
const integerConv = (slot: number, channels: ChannelRule): Omit<OpDef, 'shape'> => ({
  channels,
  weights: () => [{ slot, reductionAxis: (rank) => (rank >= 3 ? 1 : undefined) }],
  seeds: (_node, view) => (view.stored(slot) ? [1] : []),
  positions: (_node, _slot, output) => positionsExcept(output, [1]),
});

export const convOps = family(convRules, {
  ConvInteger: integerConv(1, convIntegerRule),
  QLinearConv: integerConv(3, qlinearConvRule),
  // The bias (input 2) is a per-layer parameter; the kernel stays shared.
  Conv: { channels: convRule, weights: () => [kernel], params: [2], ...outputChannels },
  ConvTranspose: { channels: convTransposeRule, weights: () => [transposedKernel], params: [2], ...outputChannels },
});
