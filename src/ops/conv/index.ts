/**
 * Convolutions: Conv and ConvTranspose carry learned kernels (input 1) whose output channels (axis 1)
 * seed propagation; ConvInteger and QLinearConv have shape rules only for now (their groups block).
 */
import type { OpDef, WeightInput } from '../def.js';
import { family, positionsExcept } from '../def.js';
import { convRule, convTransposeRule } from './channels.js';
import { convRules } from './shape.js';

const kernel: WeightInput = { slot: 1, reductionAxis: (rank) => (rank >= 3 ? 1 : undefined) };
/** ConvTranspose's kernel is [Cin, Cout/g, k...]: no N:M convention exists for it. */
const transposedKernel: WeightInput = { slot: 1, reductionAxis: () => undefined };

const outputChannels: Pick<OpDef, 'seeds' | 'positions'> = {
  seeds: (_node, view) => (view.stored(1) ? [1] : []),
  positions: (_node, _slot, output) => positionsExcept(output, [1]),
};

export const convOps = family(convRules, {
  Conv: { channels: convRule, weights: () => [kernel], ...outputChannels },
  ConvTranspose: { channels: convTransposeRule, weights: () => [transposedKernel], ...outputChannels },
});
