/**
 * Ops that move axes: Transpose (axis remapped through `perm`) and Gather on a
 * non-channel axis (the axes after it shift by the indices' rank - 1). Gathering
 * along the channel axis itself would need its indices rewritten: blocked.
 */
import { attrInt, attrInts } from '../../ir/attrs.js';
import {
  blocked,
  identity,
  normAxis,
  type OpRule,
  type Port,
  type RuleContext,
  type RuleResult,
} from '../channel-rule.js';

function transposeLinks(ctx: RuleContext, port: Port): RuleResult {
  const rank = ctx.shape('in', 0)?.length;
  if (rank === undefined) return blocked('rank unknown');
  const perm = attrInts(ctx.node, 'perm') ?? [...Array(rank).keys()].reverse();
  if (port.io === 'in') return { links: [{ io: 'out', slot: 0, axis: perm.indexOf(port.axis), map: identity }] };
  return { links: [{ io: 'in', slot: 0, axis: perm[port.axis], map: identity }] };
}

function gatherLinks(ctx: RuleContext, port: Port): RuleResult {
  const r = ctx.shape('in', 0)?.length,
    q = ctx.shape('in', 1)?.length;
  if (r === undefined || q === undefined) return blocked('ranks unknown');
  const axis = normAxis(attrInt(ctx.node, 'axis', 0), r);
  if (port.io === 'in' && port.slot === 1) return blocked('indices carry no channels');
  if (port.io === 'in') {
    if (port.axis === axis) return blocked('gathering along the channel axis');
    return { links: [{ io: 'out', slot: 0, axis: port.axis < axis ? port.axis : port.axis + q - 1, map: identity }] };
  }
  if (port.axis < axis) return { links: [{ io: 'in', slot: 0, axis: port.axis, map: identity }] };
  if (port.axis >= axis + q) return { links: [{ io: 'in', slot: 0, axis: port.axis - q + 1, map: identity }] };
  return blocked('axis comes from the indices');
}

export const transposeRule: OpRule = { links: transposeLinks };
export const gatherRule: OpRule = { links: gatherLinks };
