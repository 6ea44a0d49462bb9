/** MatMul (numpy semantics, batched and 1-D), Gemm, Einsum; inner dims are checked. */
import { attrInt, attrString } from '../../ir/attrs.js';
import type { Dim, DType } from '../../ir/types.js';
import { broadcastShapes } from '../../shape/broadcast.js';
import { missingReason, unknown, type OpContext, type OpRule } from '../../shape/context.js';
import { differentDims, formatShape } from '../../shape/dims.js';
import type { ValueType } from '../../shape/types.js';
import type { OpType } from '../op-types.js';
import { typed } from '../shape-util.js';

/** `a` and `b` are the operands' input slots (QLinearMatMul: 0 and 3). */
function matmul(ctx: OpContext, dtype: DType | undefined, slotA = 0, slotB = 1): ValueType[] {
  const a0 = ctx.shape(slotA);
  const b0 = ctx.shape(slotB);
  if (!a0) return [unknown(missingReason(ctx, slotA), dtype)];
  if (!b0) return [unknown(missingReason(ctx, slotB), dtype)];
  if (a0.length === 0 || b0.length === 0) {
    ctx.problem('matmul-rank', `MatMul needs inputs of rank >= 1, got ${formatShape(a0)} and ${formatShape(b0)}`);
    return [unknown('MatMul of a scalar', dtype)];
  }
  // 1-D operands are promoted ([K] -> [1,K] / [K,1]) and the added axis removed afterwards.
  const a = a0.length === 1 ? [1, a0[0]] : a0;
  const b = b0.length === 1 ? [b0[0], 1] : b0;
  const k1 = a[a.length - 1];
  const k2 = b[b.length - 2];
  if (differentDims(k1, k2)) {
    ctx.problem(
      'matmul-inner-dim',
      `${ctx.node.opType} inner dims differ: ${formatShape(a0)} x ${formatShape(b0)} (${k1} vs ${k2})`,
    );
  }
  const batch = broadcastShapes([a.slice(0, -2), b.slice(0, -2)]);
  for (const c of batch.conflicts) {
    ctx.problem(
      'matmul-batch',
      `${ctx.node.opType} batch dims of ${formatShape(a0)} and ${formatShape(b0)} do not broadcast at axis ${c.axis}`,
    );
  }
  const out: Dim[] = [...batch.output];
  if (a0.length > 1) out.push(a[a.length - 2]);
  if (b0.length > 1) out.push(b[b.length - 1]);
  return [typed(out, dtype)];
}

const gemm: OpRule = (ctx) => {
  const dtype = ctx.dtype(0);
  const a = ctx.shape(0);
  const b = ctx.shape(1);
  if (!a) return [unknown(missingReason(ctx, 0), dtype)];
  if (!b) return [unknown(missingReason(ctx, 1), dtype)];
  if (a.length !== 2 || b.length !== 2) {
    ctx.problem('gemm-rank', `Gemm needs 2-D A and B, got ${formatShape(a)} and ${formatShape(b)}`);
    return [unknown('Gemm input not 2-D', dtype)];
  }
  const [m, ka] = attrInt(ctx.node, 'transA', 0) ? [a[1], a[0]] : [a[0], a[1]];
  const [kb, n] = attrInt(ctx.node, 'transB', 0) ? [b[1], b[0]] : [b[0], b[1]];
  if (differentDims(ka, kb)) {
    ctx.problem(
      'gemm-inner-dim',
      `Gemm inner dims differ: A ${formatShape(a)} transA=${attrInt(ctx.node, 'transA', 0)}, ` +
        `B ${formatShape(b)} transB=${attrInt(ctx.node, 'transB', 0)} (${ka} vs ${kb})`,
    );
  }
  const out = [m, n];
  const c = ctx.shape(2);
  if (c) {
    // C broadcasts unidirectionally to [M, N]: record it like any bias broadcast.
    const bc = broadcastShapes([out, c], true);
    ctx.broadcast({
      mode: 'unidirectional',
      inputs: [
        { name: ctx.node.outputs[0], shape: out },
        { name: ctx.node.inputs[2], shape: c },
      ],
      output: out,
      axes: bc.axes,
      ...(bc.notes.length ? { notes: bc.notes } : {}),
    });
    if (bc.conflicts.length || c.length > 2)
      ctx.problem('gemm-bias', `Gemm C ${formatShape(c)} does not broadcast to [${m},${n}]`);
  }
  return [typed(out, dtype)];
};

/** Einsum with explicit or implicit output; ellipsis supported when ranks are known. */
const einsum: OpRule = (ctx) => {
  const dtype = ctx.dtype(0);
  const eq = (attrString(ctx.node, 'equation') ?? '').replace(/\s+/g, '');
  const [lhs, rhs] = eq.split('->');
  const terms = lhs.split(',');
  const sizes = new Map<string, Dim>();
  let ellipsis: Dim[] = [];
  for (let i = 0; i < terms.length; i++) {
    const s = ctx.shape(i);
    if (!s) return [unknown(missingReason(ctx, i), dtype)];
    const [pre, post = ''] = terms[i].split('...');
    const hasEll = terms[i].includes('...');
    const ellRank = hasEll ? s.length - pre.length - post.length : 0;
    if (ellRank < 0 || (!hasEll && s.length !== pre.length)) {
      ctx.problem('einsum-rank', `Einsum term ${terms[i]} does not fit ${formatShape(s)}`);
      return [unknown('Einsum term rank mismatch', dtype)];
    }
    if (hasEll) ellipsis = broadcastShapes([ellipsis, s.slice(pre.length, pre.length + ellRank)]).output;
    const letters = [...pre, ...post];
    const dims = [...s.slice(0, pre.length), ...s.slice(pre.length + ellRank)];
    letters.forEach((l, k) => {
      const prev = sizes.get(l);
      if (prev !== undefined && prev !== 1 && dims[k] !== 1 && differentDims(prev, dims[k])) {
        ctx.problem('einsum-dim', `Einsum label ${l} has sizes ${prev} and ${dims[k]}`);
      }
      if (prev === undefined || prev === 1) sizes.set(l, dims[k]);
    });
  }
  const out: Dim[] = [];
  if (rhs === undefined) {
    // Implicit output: broadcast ellipsis dims, then labels seen once, alphabetically.
    out.push(...ellipsis);
    for (const l of [...sizes.keys()].filter((x) => lhs.split(x).length === 2).sort()) out.push(sizes.get(l) ?? null);
  } else {
    const [pre, post = ''] = rhs.split('...');
    for (const l of pre) out.push(sizes.get(l) ?? null);
    if (rhs.includes('...')) out.push(...ellipsis);
    for (const l of post) out.push(sizes.get(l) ?? null);
  }
  return [typed(out, dtype)];
};

export const matmulRules = {
  MatMul: (ctx) => matmul(ctx, ctx.dtype(0)),
  MatMulInteger: (ctx) => matmul(ctx, 'int32'),
  // y = quantize(dequantize(a) @ dequantize(b)): the output has y_zero_point's type.
  QLinearMatMul: (ctx) => matmul(ctx, ctx.dtype(7) ?? ctx.dtype(0), 0, 3),
  Gemm: gemm,
  Einsum: einsum,
} satisfies Partial<Record<OpType, OpRule>>;
