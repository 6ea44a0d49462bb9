/**
 * A measured sensitivity profile for scenarios: each prunable channel group
 * pruned alone by `probeRatio` with the real pruner, evaluated on the
 * scenario's data, its aggregate accuracy drop recorded. Deliberately plain
 * (one pruned model per group): fine for the small fixtures scenarios use.
 */
import type { SensitivityEntry, SensitivityProfile } from '../../analysis/profile.js';
import { computeMetrics } from '../../analysis/metrics.js';
import type { EvalResult } from '../../data/evaluate.js';
import type { Model } from '../../ir/types.js';
import { analyzeGroups } from '../../prune/groups.js';
import { prune } from '../../prune/prune.js';

export interface ProbeInput {
  dense: Model;
  denseResult: EvalResult;
  evaluate(model: Model): Promise<EvalResult>;
  probeRatio?: number;
}

export async function probeProfile(p: ProbeInput): Promise<SensitivityProfile> {
  const probeRatio = p.probeRatio ?? 0.2;
  const { groups } = analyzeGroups(p.dense);
  const order = new Map(p.dense.graph.nodes.map((n, i) => [n.name, i]));
  const denseAcc = computeMetrics(p.denseResult).accuracy ?? 0;
  const entries: SensitivityEntry[] = [];
  for (const g of groups.filter((x) => x.kind === 'channels' && !x.blocked)) {
    const r = prune(p.dense, { channels: [{ group: g.id, ratio: probeRatio }] });
    const removed = r.report.groups.find((x) => x.id === g.id);
    const ratio = removed ? (removed.before - removed.after) / removed.before : 0;
    if (ratio === 0) continue;
    const acc = computeMetrics(await p.evaluate(r.model)).accuracy ?? 0;
    const first = Math.min(...g.members.map((m) => order.get(m.node) ?? Infinity));
    const op = p.dense.graph.nodes[first]?.opType;
    entries.push({
      group: g.id,
      sensitivity: (denseAcc - acc) * 100,
      probeRatio,
      params: (r.report.paramsBefore - r.report.paramsAfter) / ratio,
      depth: first / p.dense.graph.nodes.length,
      kind: op === 'Conv' ? 'conv' : op === 'Gemm' || op === 'MatMul' ? 'linear' : 'other',
    });
  }
  return { metric: 'accuracy', entries };
}
