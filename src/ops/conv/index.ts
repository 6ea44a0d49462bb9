/**
 * Convolutions: Conv and ConvTranspose carry learned kernels (input 1) whose output channels (axis 1)
 * seed propagation; ConvInteger and QLinearConv have shape rules only for now (their groups block).
 */
import type { OpDef, WeightInput } from '../def.js';
import { blockedRule, family, positionsExcept } from '../def.js';
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
 * Integer convolutions: their weights (int8/uint8) count as parameters and MACs. Their channels are not
 * pruned yet: the weight, its per-channel scale and zero point (and QLinearConv's output scale) would have
 * to be sliced together, so a group reaching one blocks with that reason.
 */
const integerConv = (slot: number): Omit<OpDef, 'shape'> => ({
  channels: blockedRule(
    `integer convolution (weight at input ${slot} with its scales and zero points) is not pruned yet`,
  ),
  weights: () => [{ slot, reductionAxis: (rank) => (rank >= 3 ? 1 : undefined) }],
  // Its output channels are a group (blocked, with the reason) so coverage names them.
  seeds: (_node, view) => (view.stored(slot) ? [1] : []),
  positions: (_node, _slot, output) => positionsExcept(output, [1]),
});

export const convOps = family(convRules, {
  ConvInteger: integerConv(1),
  QLinearConv: integerConv(3),
  Conv: { channels: convRule, weights: () => [kernel], ...outputChannels },
  ConvTranspose: { channels: convTransposeRule, weights: () => [transposedKernel], ...outputChannels },
});
