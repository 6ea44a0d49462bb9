/**
 * Channels into a recurrent layer: the input features X[..., c] (the last axis in both layouts)
 * enter only the input weights W[dir, gate rows, c], so removing a feature is masking W's column c:
 * exact. The hidden size is not pruned here (the gates, the recurrence R and the states couple it),
 * and that blocks with its reason.
 */
import type { OpRule as ChannelRule } from '../channel-rule.js';

const FEATURES = 2;

export const recurrentRule: ChannelRule = {
  links: (ctx, port) => {
    const op = ctx.node.opType;
    if (port.io === 'in' && port.slot === 0 && port.axis === FEATURES) {
      if (!ctx.isStored(1)) return { blocked: `${op} input weights W are computed at run time, not stored` };
      const w = { io: 'in' as const, slot: 1, axis: FEATURES };
      return { links: [{ ...w, map: { kind: 'identity' } }], entries: [w] };
    }
    if (port.io === 'in' && port.slot === 1 && port.axis === FEATURES) {
      const x = { io: 'in' as const, slot: 0, axis: FEATURES };
      return { links: [{ ...x, map: { kind: 'identity' } }], entries: [{ io: 'in', slot: 1, axis: FEATURES }] };
    }
    return {
      blocked:
        `${port.io}put ${port.slot} axis ${port.axis}: only input features are pruned ` +
        `(hidden size and gates are not)`,
    };
  },
};
