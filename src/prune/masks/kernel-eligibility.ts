/**
 * Would a sparse kernel take this weight? For each family of `KERNEL_FAMILIES`:
 * consumer op, rank, dtype, minimum and multiple-of sizes, and (by default)
 * whether the stored values follow the family's N:M pattern along the
 * reduction axis. Answers are data with every failed reason listed.
 */
import { indexGraph } from '../../ir/graph-index.js';
import type { DType, Model } from '../../ir/types.js';
import { KERNEL_FAMILIES, type KernelFamily, type KernelFamilyId } from './kernel-families.js';
import { nmViolations } from './nm.js';
import { reductionAxis, resolveWeight } from './reduction-axis.js';

export interface Eligibility {
  family: KernelFamilyId;
  eligible: boolean;
  /** Why not (empty when eligible). */
  reasons: string[];
  /** Numbers used that the sources did not confirm. */
  unconfirmed?: string;
}

export interface EligibilityOptions {
  /** Judge as if served in this dtype (an fp32 ONNX export served in fp16, say). Default: the stored dtype. */
  dtype?: DType;
  /** Also require the values to follow the family's N:M pattern (default true). */
  pattern?: boolean;
  families?: readonly KernelFamily[];
}

/** The weight as a kernel sees it: rows = output extent, cols = reduction extent. */
interface WeightShape {
  op: string;
  rank: number;
  rows: number;
  cols: number;
  axis: number;
}

function judge(
  family: KernelFamily,
  w: WeightShape,
  dtype: DType,
): { reasons: string[]; unconfirmed?: string; n?: number; m?: number } {
  if (family.never) return { reasons: [family.never] };
  const reasons: string[] = [];
  if (!family.ops.includes(w.op as never))
    reasons.push(`consumer ${w.op} is not one it accelerates (${family.ops.join(', ')})`);
  if (!family.ranks.includes(w.rank)) reasons.push(`rank ${w.rank} weight (accepts rank ${family.ranks.join('/')})`);
  const rule = family.dtypes[dtype];
  if (!rule)
    return {
      reasons: [...reasons, `dtype ${dtype} not supported (supports ${Object.keys(family.dtypes).join(', ')})`],
    };
  if (w.rows < rule.minRows || w.rows % rule.rowMultiple !== 0)
    reasons.push(
      `rows (output extent) ${w.rows} must be >= ${rule.minRows} and a multiple of ${rule.rowMultiple} for ${dtype}`,
    );
  if (w.cols < rule.minCols || w.cols % rule.colMultiple !== 0)
    reasons.push(
      `cols (reduction extent) ${w.cols} must be >= ${rule.minCols} and a multiple of ${rule.colMultiple} for ${dtype}`,
    );
  return { reasons, unconfirmed: rule.unconfirmed, n: rule.n, m: rule.m };
}

/**
 * Eligibility of one weight for every sparse-kernel family.
 * @throws PruneguardError when the tensor is unknown or its reduction axis is (see `reductionAxis`).
 * @example eligibility(model, 'fc.w').filter((e) => e.eligible).map((e) => e.family)
 */
export function eligibility(model: Model, tensor: string, options: EligibilityOptions = {}): Eligibility[] {
  const index = indexGraph(model.graph);
  const { value } = resolveWeight(model, tensor, index);
  const { axis, consumer } = reductionAxis(model, tensor, index);
  const dims = value.dims;
  const rows = dims.length === 2 ? dims[1 - axis] : dims[0];
  const w: WeightShape = { op: consumer.opType, rank: dims.length, rows, cols: dims[axis], axis };
  const dtype = options.dtype ?? value.dtype;
  return (options.families ?? KERNEL_FAMILIES).map((family) => {
    const { reasons, unconfirmed, n, m } = judge(family, w, dtype);
    if (options.pattern !== false && n !== undefined && m !== undefined) {
      const bad = nmViolations(value, tensor, n, m, axis);
      if (bad.length > 0)
        reasons.push(
          bad[0].kind === 'axis-length'
            ? `reduction axis length ${dims[axis]} is not a multiple of ${m}`
            : `values are not ${n}:${m} along axis ${axis} (${bad.length} group(s) exceed ${n} non-zeros)`,
        );
    }
    return { family: family.id, eligible: reasons.length === 0, reasons, ...(unconfirmed ? { unconfirmed } : {}) };
  });
}
