/**
 * Multidirectional-broadcast ops (Add, Mul, Sub, Div, PRelu, Where, Max...).
 * Axes align from the right. Every input whose aligned dim equals the channel
 * count meets the same channels (residual Add couples its producers; a `[C]` or
 * `[1,C,1,1]` constant becomes a member to slice); an input with size 1 there
 * broadcasts and carries none. A dim we cannot read blocks: a symbolic dim might
 * be 1 (broadcast) or C (coupled), and guessing either is how shapes break.
 */
import { sameDim } from '../../shape/dims.js';
import {
  blocked,
  identity,
  type Link,
  type OpRule,
  type Port,
  type RuleContext,
  type RuleResult,
} from '../channel-rule.js';

function elementwise(ctx: RuleContext, port: Port): RuleResult {
  const node = ctx.node;
  const out = ctx.shape('out', 0);
  if (!out) return blocked('output rank unknown');
  const R = out.length;
  const start = port.io === 'out' ? 0 : R - (ctx.shape('in', port.slot)?.length ?? R);
  const outAxis = port.axis + start;
  if (port.io === 'out' && port.slot !== 0) return blocked(`output ${port.slot} does not carry channels`);
  const n = port.io === 'out' ? out[outAxis] : ctx.shape('in', port.slot)?.[port.axis];
  if (n === null || n === undefined) return blocked(`channel count on axis ${port.axis} is unknown`);
  const links: Link[] = [];
  if (!(port.io === 'out')) links.push({ io: 'out', slot: 0, axis: outAxis, map: identity });
  for (let slot = 0; slot < node.inputs.length; slot++) {
    if (!ctx.has(slot) || (port.io === 'in' && port.slot === slot)) continue;
    const s = ctx.shape('in', slot);
    if (!s) return blocked(`rank of input ${slot} (${node.inputs[slot]}) unknown`);
    const a = outAxis - (R - s.length);
    if (a < 0) continue; // missing axis: broadcast
    const d = s[a];
    if (d === 1 && n !== 1) continue; // stretched: broadcast, no channels there
    if (!sameDim(d, n))
      return blocked(
        `input ${slot} (${node.inputs[slot]}) has dim ${d === null ? '?' : d} on the channel axis, expected ${n} or 1`,
      );
    links.push({ io: 'in', slot, axis: a, map: identity });
  }
  return { links };
}

export const elementwiseRule: OpRule = { links: elementwise };
