/**
 * The channel rule of an integer op from the rule of its float counterpart. ConvInteger and QLinearConv
 * compute Conv, MatMulInteger and QLinearMatMul compute MatMul, on (operand - zero_point) with integer
 * arithmetic: channels cross them exactly as they cross the float op, the inputs only sit at other slots.
 * What the integer op adds:
 * - a per-channel scale or zero point of an operand is sliced with that operand's channel axis (it joins
 *   whatever the float rule links that axis to);
 * - a channel entering an integer weight is masked by setting the weight to its zero point (the product
 *   (w - zero_point) × x is then exactly 0), so entries carry the zero point (`Entry.zeroPoint`);
 * - the output's scale and zero point must be per tensor (one per channel would have to follow the
 *   output channels, and no exporter writes them).
 */
import {
  blocked,
  identity,
  type Link,
  type OpRule,
  type Port,
  type RewriteContext,
  type RuleContext,
} from './channel-rule.js';

/** An operand's quantization inputs (real slots) and the operand axis per-channel ones run along. */
export interface QuantizedOperand {
  /** The operand's slot in the float rule (Conv: 0 = x, 1 = w). */
  of: number;
  scale?: number;
  zeroPoint?: number;
  /** Axis of the operand (of rank `rank`) that a 1-D scale or zero point runs along. */
  axis(rank: number): number;
}

export interface IntegerSpec {
  /** The real input slot of each input of the float rule, by its slot there (QLinearConv: [0, 3, 8]). */
  slots: readonly number[];
  operands: readonly QuantizedOperand[];
  /** Inputs that must hold one value: the output's scale and zero point. */
  perTensor: readonly number[];
}

const samePort = (a: Port, b: Port) => a.io === b.io && a.slot === b.slot && a.axis === b.axis;

/** The float rule's view of the node: its input slots renumbered. */
function virtualContext<C extends RuleContext>(ctx: C, real: (v: number) => number): C {
  const r = (v: number) => real(v);
  const view: RuleContext = {
    node: ctx.node,
    opset: ctx.opset,
    choice: ctx.choice,
    shape: (io, slot) => ctx.shape(io, io === 'in' ? r(slot) : slot),
    constant: (slot) => ctx.constant(r(slot)),
    ints: (slot) => ctx.ints(r(slot)),
    isStored: (slot) => r(slot) >= 0 && ctx.isStored(r(slot)),
    has: (slot) => r(slot) >= 0 && ctx.has(r(slot)),
    shapeEntry: (slot, pos) => ctx.shapeEntry(r(slot), pos),
  };
  if (!('setInput' in ctx)) return view as C;
  const w = ctx as unknown as RewriteContext;
  const rewrite: RewriteContext = {
    ...view,
    changes: (io, slot) => w.changes(io, io === 'in' ? r(slot) : slot),
    changesOf: (value) => w.changesOf(value),
    setInput: (slot, value) => w.setInput(r(slot), value),
    addConstant: (hint, value) => w.addConstant(hint, value),
    setShapeEntry: (slot, pos, value) => w.setShapeEntry(r(slot), pos, value),
  };
  return rewrite as unknown as C;
}

/** True when input `slot` holds more than one value (1-D, per channel). */
function perChannel(ctx: RuleContext, slot: number | undefined): boolean {
  if (slot === undefined || !ctx.has(slot)) return false;
  const s = ctx.shape('in', slot);
  return !!s && s.length === 1 && s[0] !== 1;
}

/** Number of values input `slot` holds, when known (1 for a scalar). */
function valueCount(ctx: RuleContext, slot: number): number | undefined {
  const s = ctx.shape('in', slot);
  if (!s) return undefined;
  return s.reduce<number | undefined>((n, d) => (n !== undefined && typeof d === 'number' ? n * d : undefined), 1);
}

/** `float`'s channel rule applied to an integer op laid out as `spec` says. */
export function integerRule(float: OpRule, spec: IntegerSpec): OpRule {
  const real = (v: number) => spec.slots[v] ?? -1;
  const virtualOf = (slot: number) => spec.slots.indexOf(slot);
  const rankOf = (ctx: RuleContext, q: QuantizedOperand) => ctx.shape('in', real(q.of))?.length;
  /** The operand port a per-channel scale or zero point follows (virtual slot numbering). */
  const operandPort = (ctx: RuleContext, q: QuantizedOperand): Port | undefined => {
    const rank = rankOf(ctx, q);
    return rank === undefined ? undefined : { io: 'in', slot: q.of, axis: q.axis(rank) };
  };
  return {
    links(ctx, port) {
      for (const slot of spec.perTensor)
        if (ctx.has(slot) && valueCount(ctx, slot) !== 1)
          return blocked(`input ${slot} (the output's scale or zero point) is not one value per tensor`);
      // The asked port, in the float rule's numbering.
      let asked: Port | undefined;
      if (port.io === 'out') asked = port;
      else if (virtualOf(port.slot) >= 0) asked = { ...port, slot: virtualOf(port.slot) };
      else {
        const q = spec.operands.find((o) => o.scale === port.slot || o.zeroPoint === port.slot);
        if (q && perChannel(ctx, port.slot)) asked = operandPort(ctx, q);
        if (!asked) return blocked(`input ${port.slot} is a per-tensor scale or zero point: it carries no channels`);
      }
      const res = float.links(virtualContext(ctx, real), asked);
      if ('blocked' in res) return res;
      const toReal = <P extends Port>(p: P): P =>
        p.io === 'in' && !('value' in p && p.value) ? { ...p, slot: real(p.slot) } : p;
      const links: Link[] = res.links.map(toReal);
      for (const q of spec.operands) {
        const op = operandPort(ctx, q);
        if (!op) continue;
        const quant = [q.scale, q.zeroPoint].filter((s): s is number => perChannel(ctx, s));
        const joined = (slot: number): Link | undefined => {
          if (samePort(asked, op)) return { io: 'in', slot, axis: 0, map: identity };
          const via = res.links.find((l) => !l.value && samePort(l, op));
          return via && { io: 'in', slot, axis: 0, map: via.map };
        };
        for (const slot of quant) {
          const link = joined(slot);
          if (link && !(port.io === 'in' && port.slot === slot)) links.push(link);
        }
        // Asked through the scale or zero point: the operand itself is linked too.
        if (samePort(asked, op) && port.io === 'in' && port.slot !== real(q.of))
          links.push({ io: 'in', slot: real(q.of), axis: op.axis, map: identity });
      }
      const entries = res.entries?.map((e) => {
        const q = spec.operands.find((o) => o.of === e.slot && e.io === 'in');
        const rank = q && rankOf(ctx, q);
        const zp = q?.zeroPoint;
        return {
          ...toReal(e),
          ...(q && zp !== undefined && ctx.has(zp) && rank !== undefined
            ? { zeroPoint: { slot: zp, axis: q.axis(rank) } }
            : {}),
        };
      });
      return {
        ...res,
        links,
        ...(res.ties ? { ties: res.ties.map(toReal) } : {}),
        ...(entries ? { entries } : {}),
      };
    },
    ...(float.rewrite ? { rewrite: (ctx) => float.rewrite!(virtualContext(ctx, real)) } : {}),
  };
}
