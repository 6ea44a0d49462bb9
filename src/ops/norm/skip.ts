/**
 * onnxruntime's fused residual norms, `SkipLayerNormalization` (input, skip, gamma, beta?, bias?) and
 * `SkipSimplifiedLayerNormalization` (input, skip, gamma, bias?): output = norm(input + skip + bias),
 * and output 3 is the sum itself (the residual stream the next block adds to). The hidden axis (last)
 * runs through input, skip, the sum, the output and every parameter; like LayerNorm, the statistics
 * are taken over it, so a hidden-dim group is not mask-exact. Other axes pass through unchanged.
 */
import { blocked, identity, type Link, type OpRule, type Port } from '../channel-rule.js';
import { missingReason, unknown, type OpRule as ShapeRule } from '../../shape/context.js';
import { formatShape, sameDim } from '../../shape/dims.js';
import { sameAs, typed } from '../shape-util.js';

const without = (ls: Link[], p: Port) => ls.filter((l) => !(l.io === p.io && l.slot === p.slot && l.axis === p.axis));

export const skipNormRule: OpRule = {
  links(ctx, port) {
    const rank = ctx.shape('in', 0)?.length;
    if (rank === undefined) return blocked('rank unknown');
    const skipRank = ctx.shape('in', 1)?.length ?? rank;
    if (port.io === 'out' && (port.slot === 1 || port.slot === 2))
      return blocked('mean/inv-std outputs are not supported');
    const hidden = rank - 1;
    // The asked axis as an axis of input 0 (skip and parameters align from the right).
    let x = port.axis;
    if (port.io === 'in' && port.slot === 1) x = port.axis + (rank - skipRank);
    else if (port.io === 'in' && port.slot > 1) x = hidden;
    const links: Link[] = [
      { io: 'in', slot: 0, axis: x, map: identity },
      ...(x - (rank - skipRank) >= 0 && ctx.shape('in', 1)?.[x - (rank - skipRank)] !== 1
        ? [{ io: 'in' as const, slot: 1, axis: x - (rank - skipRank), map: identity }]
        : []),
      { io: 'out', slot: 0, axis: x, map: identity },
      ...(ctx.node.outputs[3] ? [{ io: 'out' as const, slot: 3, axis: x, map: identity }] : []),
    ];
    if (x !== hidden) return { links: without(links, port) };
    for (let slot = 2; slot < ctx.node.inputs.length; slot++)
      if (ctx.has(slot)) links.push({ io: 'in', slot, axis: 0, map: identity });
    return { links: without(links, port), inexact: `${ctx.node.opType} statistics are taken over the pruned axis` };
  },
};

/** output, mean, inv_std_var ([.., 1]), input_skip_bias_sum; parameters must match the hidden size. */
export const skipNormShape: ShapeRule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (!x) return ctx.node.outputs.map(() => unknown(missingReason(ctx, 0), dtype));
  const hidden = x[x.length - 1];
  for (let i = 2; i < ctx.node.inputs.length; i++) {
    const s = ctx.shape(i);
    if (ctx.has(i) && s && (s.length !== 1 || !sameDim(s[0], hidden)))
      ctx.problem(
        'skipnorm-params',
        `${ctx.node.opType} input ${i} (${ctx.node.inputs[i]}) has shape ${formatShape(s)}, hidden size is ${hidden}`,
      );
  }
  const stat = typed([...x.slice(0, -1), 1], 'float32');
  return [sameAs(ctx, 0), stat, { ...stat }, sameAs(ctx, 0)];
};
