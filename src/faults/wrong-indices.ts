/** Pruners that remove the right number of channels at the wrong positions. */
import { isPruneguardError } from '../errors.js';
import { constantValue } from '../ir/constants.js';
import { analyzeGroups } from '../prune/groups.js';
import type { Plan } from '../prune/plan.js';
import type { Fault } from './types.js';
import { pruneCorrectly, replaceStored, resliceWrongly } from './support.js';

export const concatOffsetWrong: Fault = {
  id: 'concat-offset-wrong',
  bug:
    "After a Concat, the consumer's input channels of the second branch are removed at the branch's own indices, " +
    'forgetting the offset of the branches before it.',
  failureMode: 'shape-mismatch',
  caughtBy: ['mask-equivalence', 'shape-consistency'],
  families: ['residual'],
  plans: { parts: ['channels'], everyGroup: true },
  prune(dense, plan) {
    const p = pruneCorrectly(dense, plan);
    const offsetMembers = p.removed.flatMap(({ group }) => group.members.filter((m) => /offset [1-9]/.test(m.map)));
    for (const tensor of new Set(offsetMembers.map((m) => m.tensor))) {
      resliceWrongly(p, tensor, (m, pos) => (/offset [1-9]/.test(m.map) ? pos - Math.min(...m.indices.flat()) : pos));
    }
    return p.pruned;
  },
};

export const flattenGemmChannelsLast: Fault = {
  id: 'flatten-gemm-channels-last',
  bug:
    'Flatten→Gemm features of a removed channel are taken channels-last (c, c+C, c+2C...) ' +
    'instead of the block c·HW..c·HW+HW-1 that NCHW Flatten produces.',
  failureMode: 'shape-mismatch',
  caughtBy: ['mask-equivalence'],
  families: ['residual'],
  plans: { parts: ['channels'], everyGroup: true },
  prune(dense, plan) {
    const p = pruneCorrectly(dense, plan);
    for (const { group } of p.removed) {
      for (const m of group.members) {
        const block = /^block (\d+)$/.exec(m.map);
        if (!block || Number(block[1]) < 2) continue;
        const k = Number(block[1]);
        const channels = group.channels;
        // position c·k + j (NCHW) becomes j·C + c (NHWC): same count, wrong features.
        resliceWrongly(
          p,
          m.tensor,
          (mm, pos) => (mm === m ? (pos % k) * channels + Math.floor(pos / k) : pos),
          undefined,
          (v) => v.dims[m.axis] === channels * k,
        );
      }
    }
    return p.pruned;
  },
};

export const headSliceOffByOne: Fault = {
  id: 'head-slice-off-by-one',
  bug:
    'The output projection drops the input rows of head h+1 instead of head h (an off-by-one in the head slice), ' +
    'while Q/K/V drop head h.',
  failureMode: 'shape-mismatch',
  caughtBy: ['mask-equivalence'],
  families: ['attention'],
  plans: { parts: ['heads'], everyGroup: true },
  prune(dense, plan) {
    const p = pruneCorrectly(dense, plan);
    const units = analyzeGroups(dense).attention;
    const shifted: Plan = {
      ...plan,
      heads: (plan.heads ?? []).map((h) => {
        const unit = units.find((u) => u.id === h.attention);
        if (!unit || !('remove' in h)) return h;
        return {
          attention: h.attention,
          remove: [...new Set(h.remove.map((i) => (i + 1) % unit.heads))].sort((a, b) => a - b),
        };
      }),
    };
    let wrong;
    try {
      wrong = pruneCorrectly(dense, shifted);
    } catch (e) {
      if (!isPruneguardError(e)) throw e;
      return p.pruned;
    }
    for (const { group } of p.removed) {
      for (const m of group.members.filter((mm) => mm.entry)) {
        const value = constantValue(wrong.pruned.graph, m.tensor);
        if (value) replaceStored(p.pruned, m.tensor, value);
      }
    }
    return p.pruned;
  },
};
