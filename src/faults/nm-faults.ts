/** N:M pruners that produce a pattern no sparse kernel can use. */
import { constantValue } from '../ir/constants.js';
import type { Tensor } from '../ir/types.js';
import { applyNm, nmZeroMask, reductionAxis } from '../prune/masks/index.js';
import type { Fault } from './types.js';
import { pruneCorrectly, replaceStored, resliceWrongly } from './support.js';

function zeroWhere(value: Tensor, mask: Uint8Array): Tensor {
  const data = (value.data as Float32Array).slice();
  for (let i = 0; i < data.length; i++) if (mask[i]) data[i] = 0;
  return { ...value, data };
}

export const nmWrongAxis: Fault = {
  id: 'nm-wrong-axis',
  bug:
    '2:4 sparsity is applied along the output axis of a weight instead of its reduction axis ' +
    '(e.g. rows of a [K,N] MatMul weight grouped along N).',
  failureMode: 'nm-nonconformance',
  caughtBy: ['nm-conformance'],
  families: ['residual', 'normalization'],
  plans: { parts: ['nm'] },
  prune(dense, plan) {
    const { pruned } = pruneCorrectly(dense, { ...plan, nm: undefined });
    for (const spec of plan.nm ?? []) {
      const value = constantValue(pruned.graph, spec.tensor);
      if (value?.dtype !== 'float32') continue;
      const axis = reductionAxis(pruned, spec.tensor).axis;
      const wrong = value.dims.findIndex((d, i) => i !== axis && d % 4 === 0);
      if (wrong < 0) continue;
      replaceStored(
        pruned,
        spec.tensor,
        zeroWhere(value, nmZeroMask(value, spec.tensor, wrong, spec.n ?? 2, spec.m ?? 4)),
      );
    }
    return pruned;
  },
};

export const structuredBreaksNm: Fault = {
  id: 'structured-breaks-nm',
  bug:
    'A weight that already had a 2:4 pattern loses input channels to structured pruning afterwards; ' +
    'the surviving groups of four straddle the old ones and the pattern is shipped broken.',
  failureMode: 'nm-nonconformance',
  caughtBy: ['nm-conformance'],
  families: ['residual', 'normalization'],
  plans: { parts: ['channels', 'nm'], nmOnTouched: true, everyGroup: true },
  prune(dense, plan) {
    // The buggy pipeline sparsifies first and slices afterwards, never looking at the pattern again.
    const p = pruneCorrectly(dense, { ...plan, nm: undefined });
    const sparse = plan.nm?.length ? applyNm(dense, plan.nm).model : dense;
    for (const spec of plan.nm ?? []) resliceWrongly(p, spec.tensor, undefined, sparse);
    return p.pruned;
  },
};
