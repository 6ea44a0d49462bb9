/**
 * Conv: X[N, Cin, ...] * W[Cout, Cin/g, k...] + B[Cout] → Y[N, Cout, ...].
 * - group 1: input channels enter W[:, c] (a mask entry); output channels are W[c], B[c].
 * - depthwise (group == Cin): channel c goes in and comes out as outputs c*m..c*m+m-1;
 *   removing it removes a whole group, and `group` is rewritten.
 * - other grouped convs: equal removal per group — input position p is removed from
 *   every group at once (W[:, p]), outputs likewise, so `group` stays valid.
 * ConvTranspose: W[Cin, Cout/g, k...]; group 1 only.
 */
import { attrInt, setAttrInt } from '../../ir/attrs.js';
import { blocked, identity, type OpRule, type Port, type RuleContext, type RuleResult } from '../channel-rule.js';

function convLinks(ctx: RuleContext, port: Port): RuleResult {
  const g = attrInt(ctx.node, 'group', 1);
  const w = ctx.shape('in', 1);
  if (!w) return blocked('weight shape unknown');
  const cout = w[0] as number;
  const cin = typeof w[1] === 'number' ? w[1] * g : undefined;
  if (cin === undefined || typeof cout !== 'number') return blocked('weight dims not static');
  const depthwise = g > 1 && g === cin;
  const key = `${port.io}${port.slot}:${port.axis}`;
  const outSide = key === 'out0:1' || key === 'in1:0' || key === 'in2:0';
  if (key === 'in1:1' && !depthwise) {
    const x = { io: 'in' as const, slot: 0, axis: 1 };
    return {
      links: [{ ...x, map: g === 1 ? identity : { kind: 'periodic', period: cin / g } }],
      entries: [{ io: 'in', slot: 1, axis: 1 }],
    };
  }
  if (!outSide && key !== 'in0:1') {
    if (key === 'in0:0' || key === 'out0:0')
      return { links: [{ io: port.io === 'in' ? 'out' : 'in', slot: 0, axis: 0, map: identity }] };
    return blocked(`axis ${port.axis} of ${port.io}put ${port.slot} is not a channel axis`);
  }
  const outPorts = [
    { io: 'out' as const, slot: 0, axis: 1, map: identity },
    { io: 'in' as const, slot: 1, axis: 0, map: identity },
    ...(ctx.has(2) ? [{ io: 'in' as const, slot: 2, axis: 0, map: identity }] : []),
  ].filter((l) => `${l.io}${l.slot}:${l.axis}` !== key);
  if (depthwise) {
    const m = cout / g;
    if (!outSide) return { links: outPorts.map((l) => ({ ...l, map: { kind: 'block', size: m } })) };
    return {
      links: [...outPorts, { io: 'in', slot: 0, axis: 1, map: { kind: 'unblock', size: m } }],
      ties: m > 1 ? [{ ...port, kind: 'blocks', size: m }] : [],
    };
  }
  if (outSide) return { links: outPorts, ties: g > 1 ? [{ ...port, kind: 'residues', size: cout / g }] : [] };
  const entry = { io: 'in' as const, slot: 1, axis: 1 };
  if (g === 1) return { links: [{ ...entry, map: identity }], entries: [entry] };
  return {
    links: [{ ...entry, map: { kind: 'modulo', period: cin / g } }],
    ties: [{ ...port, kind: 'residues', size: cin / g }],
    entries: [entry],
  };
}

export const convRule: OpRule = {
  links: convLinks,
  rewrite(ctx) {
    const g = attrInt(ctx.node, 'group', 1);
    const x = ctx.changes('in', 0).get(1);
    // Depthwise: the group count follows the input channels (other grouped convs keep `group`).
    if (g > 1 && x && x.before === g) setAttrInt(ctx.node, 'group', x.keep.length);
  },
};

function convTransposeLinks(ctx: RuleContext, port: Port): RuleResult {
  if (attrInt(ctx.node, 'group', 1) !== 1) return blocked('grouped ConvTranspose is not supported');
  const key = `${port.io}${port.slot}:${port.axis}`;
  const outPorts = [
    { io: 'out' as const, slot: 0, axis: 1, map: identity },
    { io: 'in' as const, slot: 1, axis: 1, map: identity },
    ...(ctx.has(2) ? [{ io: 'in' as const, slot: 2, axis: 0, map: identity }] : []),
  ];
  if (key === 'out0:1' || key === 'in1:1' || key === 'in2:0')
    return { links: outPorts.filter((l) => `${l.io}${l.slot}:${l.axis}` !== key) };
  if (key === 'in0:1')
    return { links: [{ io: 'in', slot: 1, axis: 0, map: identity }], entries: [{ io: 'in', slot: 1, axis: 0 }] };
  if (key === 'in1:0')
    return { links: [{ io: 'in', slot: 0, axis: 1, map: identity }], entries: [{ io: 'in', slot: 1, axis: 0 }] };
  if (key === 'in0:0' || key === 'out0:0')
    return { links: [{ io: port.io === 'in' ? 'out' : 'in', slot: 0, axis: 0, map: identity }] };
  return blocked(`axis ${port.axis} of ${port.io}put ${port.slot} is not a channel axis`);
}

export const convTransposeRule: OpRule = { links: convTransposeLinks };
