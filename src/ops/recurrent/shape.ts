/**
 * Recurrent layers (LSTM, GRU, RNN): X [seq, batch, input] (layout 1: [batch, seq, input]) gives
 * Y [seq, dirs, batch, hidden] (layout 1: [batch, seq, dirs, hidden]) and the last states Y_h (and
 * LSTM's Y_c) [dirs, batch, hidden] (layout 1: [batch, dirs, hidden]).
 */
import { attrInt, attrString } from '../../ir/attrs.js';
import type { Dim } from '../../ir/types.js';
import { missingReason, unknown, type OpContext, type OpRule } from '../../shape/context.js';
import { formatShape } from '../../shape/dims.js';
import type { ValueType } from '../../shape/types.js';
import { typed } from '../shape-util.js';

function recurrent(ctx: OpContext): ValueType[] {
  const dtype = ctx.dtype(0);
  const x = ctx.shape(0);
  const hidden = attrInt(ctx.node, 'hidden_size');
  const outputs = ctx.node.outputs.length;
  if (x?.length !== 3 || hidden === undefined) {
    const why = !x ? missingReason(ctx, 0) : `${ctx.node.opType} needs a rank-3 input and hidden_size`;
    if (x) ctx.problem('recurrent-rank', `${ctx.node.opType} needs a rank-3 input, got ${formatShape(x)}`);
    return Array.from({ length: outputs }, () => unknown(why, dtype));
  }
  const dirs: Dim = attrString(ctx.node, 'direction') === 'bidirectional' ? 2 : 1;
  const batchFirst = attrInt(ctx.node, 'layout', 0) === 1;
  const [seq, batch] = batchFirst ? [x[1], x[0]] : [x[0], x[1]];
  checkOperands(ctx, x[2], batch, hidden, batchFirst);
  const y = batchFirst ? [batch, seq, dirs, hidden] : [seq, dirs, batch, hidden];
  const state = batchFirst ? [batch, dirs, hidden] : [dirs, batch, hidden];
  return Array.from({ length: outputs }, (_, k) => typed(k === 0 ? y : [...state], dtype));
}

/** Sizes onnxruntime requires to agree: W's input size with X's, each initial state's batch and hidden size. */
function checkOperands(ctx: OpContext, features: Dim, batch: Dim, hidden: number, batchFirst: boolean): void {
  const differ = (a: Dim | undefined, b: Dim) => typeof a === 'number' && typeof b === 'number' && a !== b;
  const w = ctx.shape(1);
  if (w?.length === 3 && differ(w[2], features))
    ctx.problem('recurrent-input-size', `W ${formatShape(w)} reads ${w[2]} features, X has ${features}`);
  const states = ctx.node.opType === 'LSTM' ? [5, 6] : [5];
  for (const slot of states) {
    const s = ctx.shape(slot);
    if (s?.length !== 3) continue;
    const [sBatch, sHidden] = batchFirst ? [s[0], s[2]] : [s[1], s[2]];
    if (differ(sBatch, batch) || differ(sHidden, hidden))
      ctx.problem(
        'recurrent-state',
        `initial state ${ctx.node.inputs[slot]} ${formatShape(s)} needs batch ${batch} and hidden ${hidden}`,
      );
  }
}

export const recurrentRules = { LSTM: recurrent, GRU: recurrent, RNN: recurrent } satisfies Record<string, OpRule>;
