/**
 * Linear algebra: MatMul, Gemm and Einsum with a stored operand are weight ops. MatMul and Gemm
 * create channels on the output's last axis; an Einsum on every output axis its kernel alone provides.
 * MatMulInteger and QLinearMatMul prune like MatMul, their scales and zero points sliced along.
 */
import { attrInt, attrString } from '../../ir/attrs.js';
import type { Node } from '../../ir/types.js';
import { family, positionsExcept, type ChannelRule, type OpDef, type WeightInput } from '../def.js';
import { integerRule } from '../integer-rule.js';
import { gemmRule, matmulRule } from './channels.js';
import { einsumReductionAxis, einsumRule, einsumWeightAxes, parseEinsum, summedLabels } from './einsum.js';
import { matmulRules } from './shape.js';

/** B [.., K, N] sums over K; A [.., M, K] over its last axis; a vector over its only axis. */
const matmulWeights: WeightInput[] = [
  { slot: 1, reductionAxis: (rank) => (rank === 1 ? 0 : rank - 2) },
  { slot: 0, reductionAxis: (rank) => (rank === 1 ? 0 : rank - 1) },
];

function gemmWeights(node: Node): WeightInput[] {
  const transA = attrInt(node, 'transA', 0),
    transB = attrInt(node, 'transB', 0);
  return [
    { slot: 1, reductionAxis: (rank) => (rank === 2 ? (transB ? 1 : 0) : undefined) },
    { slot: 0, reductionAxis: (rank) => (rank === 2 ? (transA ? 0 : 1) : undefined) },
  ];
}

const lastAxis: Pick<OpDef, 'positions'> = {
  positions: (_node, _slot, output) => positionsExcept(output, [output.length - 1]),
};

/** Einsum operands summed away against another operand: the kernels of a projection. */
function einsumWeights(node: Node): WeightInput[] {
  const equation = attrString(node, 'equation') ?? '';
  const eq = parseEinsum(equation);
  if (typeof eq === 'string') return [];
  return eq.inputs.flatMap((_, slot) =>
    summedLabels(eq, slot).length
      ? [{ slot, minRank: 2, reductionAxis: () => einsumReductionAxis(equation, slot) }]
      : [],
  );
}

/** Output axes the weight's term does not index are the positions each weight element is used at. */
function einsumPositions(node: Node, slot: number, output: readonly (number | string | null)[]): number {
  const eq = parseEinsum(attrString(node, 'equation') ?? '');
  if (typeof eq === 'string' || !eq.inputs[slot]) return 1;
  const own = [...eq.output].flatMap((label, axis) => (eq.inputs[slot].includes(label) ? [axis] : []));
  return positionsExcept(output, own);
}

/** MatMulInteger(a, b, a_zero_point, b_zero_point): a zero point per row of a, per column of b. */
const matmulIntegerRule = integerRule(matmulRule, {
  slots: [0, 1],
  operands: [
    { of: 0, zeroPoint: 2, axis: (rank) => rank - 2 },
    { of: 1, zeroPoint: 3, axis: (rank) => rank - 1 },
  ],
  perTensor: [],
});
/** QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp). */
const qlinearMatMulRule = integerRule(matmulRule, {
  slots: [0, 3],
  operands: [
    { of: 0, scale: 1, zeroPoint: 2, axis: (rank) => rank - 2 },
    { of: 1, scale: 4, zeroPoint: 5, axis: (rank) => rank - 1 },
  ],
  perTensor: [6, 7],
});

/** Integer matmuls: the weight (b) counts as parameters and MACs; they prune like MatMul, scales sliced along. */
const integerMatMul = (slot: number, channels: ChannelRule): Omit<OpDef, 'shape'> => ({
  channels,
  weights: () => [{ slot, reductionAxis: (rank) => (rank === 1 ? 0 : rank - 2) }],
  seeds: (_node, view) => (view.stored(slot) && (view.output?.length ?? 0) >= 2 ? [view.output!.length - 1] : []),
  ...lastAxis,
});

export const matmulOps = family(matmulRules, {
  MatMulInteger: integerMatMul(1, matmulIntegerRule),
  QLinearMatMul: integerMatMul(3, qlinearMatMulRule),
  MatMul: {
    channels: matmulRule,
    weights: () => matmulWeights,
    seeds: (_node, view) => (view.stored(1) && (view.output?.length ?? 0) >= 2 ? [view.output!.length - 1] : []),
    ...lastAxis,
  },
  Gemm: {
    channels: gemmRule,
    weights: gemmWeights,
    params: [2],
    seeds: (_node, view) => (view.stored(1) ? [1] : []),
    ...lastAxis,
  },
  Einsum: {
    channels: einsumRule,
    weights: einsumWeights,
    seeds: (node, view) => einsumWeightAxes(attrString(node, 'equation') ?? '', (slot) => view.stored(slot)),
    positions: einsumPositions,
  },
});
