/** Recurrent layers: input features and hidden units prunable (see channels.ts). */
import { family, same } from '../def.js';
import { recurrentRule } from './channels.js';
import { recurrentRules } from './shape.js';

export const recurrentOps = family(
  recurrentRules,
  same(['LSTM', 'GRU', 'RNN'], {
    channels: recurrentRule,
    // W [dirs, gates·hidden, input] and R [dirs, gates·hidden, hidden], each summed over its last axis.
    weights: () => [1, 2].map((slot) => ({ slot, reductionAxis: (rank: number) => (rank === 3 ? 2 : undefined) })),
    // Stored W and R create the hidden units: Y's last axis (rank 4 in both layouts).
    seeds: (_node, view) => (view.stored(1) && view.stored(2) && view.output?.length === 4 ? [3] : []),
  }),
);
