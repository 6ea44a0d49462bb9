/**
 * Channels of a recurrent layer (LSTM, GRU, RNN).
 *
 * Input features X[..., c] (the last axis in both layouts) enter only the input weights W[dir, gate
 * rows, c], so removing a feature is masking W's column c: exact.
 *
 * Hidden units: unit j is row j of every gate block of W and R ([dirs, G·h, ·], gate-major, so rows
 * j + g·h: a `periodic` map of period h), entries j + k·h of B ([dirs, 2·G·h]) and of LSTM's
 * peepholes P ([dirs, 3·h]), column j of R, and the last axis of the initial states and of every
 * output (Y, Y_h, Y_c in both layouts). The unit enters the weights only through R's column j (the
 * recurrence) and through whatever consumes the outputs, so masking those entries makes every other
 * unit and every consumer blind to it, whatever unit j itself computes: removal equals masking
 * exactly. Every gate's weights are sliced with the same kept units, and hidden_size is rewritten.
 */
import { attrInt, setAttrInt } from '../../ir/attrs.js';
import type { Link, OpRule as ChannelRule, Port, RuleContext } from '../channel-rule.js';
import type { IndexMap } from '../index-map.js';

const FEATURES = 2;
const GATES: Record<string, number> = { LSTM: 4, GRU: 3, RNN: 1 };
const identity: IndexMap = { kind: 'identity' };

/** Output ports holding the hidden units (Y's last axis, the last states'), present ones only. */
function hiddenOutputs(ctx: RuleContext): Port[] {
  const outs: Port[] = [{ io: 'out', slot: 0, axis: 3 }];
  outs.push({ io: 'out', slot: 1, axis: 2 });
  if (ctx.node.opType === 'LSTM') outs.push({ io: 'out', slot: 2, axis: 2 });
  return outs.filter((p) => !!ctx.node.outputs[p.slot]);
}

/** Input ports holding hidden units, with the map from a unit to their elements. */
function hiddenInputs(ctx: RuleContext, h: number): (Port & { map: IndexMap })[] {
  const periodic: IndexMap = { kind: 'periodic', period: h };
  const ports: (Port & { map: IndexMap })[] = [
    { io: 'in', slot: 1, axis: 1, map: periodic },
    { io: 'in', slot: 2, axis: 1, map: periodic },
    { io: 'in', slot: 2, axis: 2, map: identity },
    { io: 'in', slot: 3, axis: 1, map: periodic },
    { io: 'in', slot: 5, axis: 2, map: identity },
  ];
  if (ctx.node.opType === 'LSTM')
    ports.push({ io: 'in', slot: 6, axis: 2, map: identity }, { io: 'in', slot: 7, axis: 1, map: periodic });
  return ports.filter((p) => ctx.has(p.slot));
}

const same = (a: Port, b: Port) => a.io === b.io && a.slot === b.slot && a.axis === b.axis;

function hiddenLinks(ctx: RuleContext, port: Port) {
  const op = ctx.node.opType;
  const h = attrInt(ctx.node, 'hidden_size');
  if (h === undefined) return { blocked: `${op} without hidden_size` };
  const outputs = hiddenOutputs(ctx);
  const inputs = hiddenInputs(ctx, h);
  const asked = inputs.find((p) => same(p, port));
  if (!asked && !outputs.some((p) => same(p, port))) return undefined;
  for (const slot of [1, 2, 3, 7])
    if (ctx.has(slot) && !ctx.isStored(slot))
      return { blocked: `${op} input ${slot} (a weight) is computed at run time, not stored` };
  // A unit's view: the first present output (every other hidden port is one map away from it).
  const canonical = outputs[0];
  if (!canonical) return { blocked: `${op} has no output` };
  if (asked && asked.map.kind === 'periodic') {
    // From a gate-major axis, element e is unit e mod h: link back to the units only.
    return { links: [{ ...canonical, map: { kind: 'modulo', period: h } as IndexMap }] };
  }
  const links: Link[] = [
    ...outputs.filter((p) => !same(p, port)).map((p) => ({ ...p, map: identity })),
    ...inputs.filter((p) => !same(p, port)).map((p) => ({ io: p.io, slot: p.slot, axis: p.axis, map: p.map })),
  ];
  // The unit reaches other units only through R's column j: what the mask oracle zeroes.
  return { links, entries: [{ io: 'in' as const, slot: 2, axis: 2 }] };
}

export const recurrentRule: ChannelRule = {
  links: (ctx, port) => {
    const op = ctx.node.opType;
    if (port.io === 'in' && port.slot === 0 && port.axis === FEATURES) {
      if (!ctx.isStored(1)) return { blocked: `${op} input weights W are computed at run time, not stored` };
      const w = { io: 'in' as const, slot: 1, axis: FEATURES };
      return { links: [{ ...w, map: identity }], entries: [w] };
    }
    if (port.io === 'in' && port.slot === 1 && port.axis === FEATURES) {
      const x = { io: 'in' as const, slot: 0, axis: FEATURES };
      return { links: [{ ...x, map: identity }], entries: [{ io: 'in', slot: 1, axis: FEATURES }] };
    }
    const hidden = GATES[op] !== undefined ? hiddenLinks(ctx, port) : undefined;
    if (hidden) return hidden;
    return {
      blocked: `${port.io}put ${port.slot} axis ${port.axis}: neither the input features nor the hidden units`,
    };
  },
  rewrite(ctx) {
    const outputs = hiddenOutputs(ctx);
    for (const p of outputs) {
      const change = ctx.changes('out', p.slot).get(p.axis);
      if (change) {
        setAttrInt(ctx.node, 'hidden_size', change.keep.length);
        return;
      }
    }
  },
};
