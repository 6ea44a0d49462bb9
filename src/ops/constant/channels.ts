/**
 * Value-making ops whose output shape comes from a shape vector.
 * ConstantOfShape(Shape(x)) (torch's full_like / zeros_like / masked_fill): every entry is the fill
 * value, so an axis whose size is read from x's runtime shape follows x's channels on that axis, and
 * one whose size is a stored literal is rewritten to the kept count. Range is refused: its values are
 * positions, so removing an entry renumbers the rest (not a removal of channels).
 */
import { blocked, identity, type OpRule } from '../channel-rule.js';

export const constantOfShapeRule: OpRule = {
  links(ctx, port) {
    if (port.io === 'in') return blocked('the shape input carries no channels');
    const e = ctx.shapeEntry(0, port.axis);
    if (e.kind === 'dynamic')
      return { links: [{ io: 'in', slot: 0, axis: e.from.axis, value: e.from.value, map: identity }] };
    if (e.kind === 'literal') return { links: [] };
    if (e.kind === 'unknown') return blocked(`shape entry ${port.axis}: ${e.reason}`);
    return blocked(`shape entry ${port.axis} is computed from constants and cannot follow the channel count`);
  },
  rewrite(ctx) {
    for (const [axis, c] of ctx.changes('out', 0)) {
      if (ctx.shapeEntry(0, axis).kind === 'literal' && !ctx.setShapeEntry(0, axis, c.keep.length)) {
        throw new Error(`cannot rewrite entry ${axis} of the shape of ConstantOfShape ${ctx.node.name}`);
      }
    }
  },
};

export const rangeRule: OpRule = {
  links: () => blocked('Range values are positions: removing one renumbers the rest'),
};
