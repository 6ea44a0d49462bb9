/**
 * The monotone budget gate's inputs: the per-group ratios a plan implies, and a
 * sensitivity profile measured on the dense model.
 *
 * `measureProfile` is a deliberately plain sweep (prune one group by the probe
 * ratio, evaluate, record the drop) used when no faster sweep is provided; the
 * analysis module's sweep (src/analysis/sensitivity*.ts) can be passed in as
 * `CheckInput.sensitivity` and produces the same SensitivityProfile.
 */
import type { GroupKind, SensitivityEntry, SensitivityProfile } from '../analysis/profile.js';
import { computeMetrics } from '../analysis/metrics.js';
import type { EvalSet } from '../data/eval-set.js';
import { evaluate, type EvalResult } from '../data/evaluate.js';
import { topologicalOrder } from '../ir/graph-index.js';
import type { Model } from '../ir/types.js';
import { analyzeGroups, type Group, type GroupAnalysis } from '../prune/groups.js';
import type { Plan } from '../prune/plan.js';
import { prune } from '../prune/prune.js';

/** Ratio per group (and attention unit) id the plan removes: `ratio`, or indices ÷ channels. */
export function planRatios(analysis: GroupAnalysis, plan: Plan): Record<string, number> {
  const out: Record<string, number> = {};
  const size = (id: string) => analysis.groups.find((g) => g.id === id)?.channels ?? analysis.attention.find((a) => a.id === id)?.heads;
  for (const c of plan.channels ?? []) {
    const n = size(c.group);
    out[c.group] = 'ratio' in c ? c.ratio : n ? c.indices.length / n : 0;
  }
  for (const h of plan.heads ?? []) {
    const n = size(h.attention);
    out[h.attention] = 'ratio' in h ? h.ratio : n ? h.remove.length / n : 0;
  }
  return out;
}

/** Where a group sits and what it is: depth 0 (input) … 1 (output), conv or linear, classifier head. */
export function describeGroup(analysis: GroupAnalysis, g: Group, order: Map<string, number>, lastConv: number): Pick<SensitivityEntry, 'depth' | 'kind' | 'classifier'> {
  const nodes = analysis.model.graph.nodes;
  // The producers are the members the channels do not enter (Conv/Gemm weights' output axis).
  const producers = g.members.filter((m) => !m.entry);
  const at = Math.min(...(producers.length ? producers : g.members).map((m) => order.get(m.node) ?? Infinity));
  const producer = Number.isFinite(at) ? nodes.find((n) => order.get(n.name) === at) : undefined;
  const op = producer?.opType ?? '';
  const kind: GroupKind = op === 'Conv' || op === 'ConvTranspose' ? 'conv' : op === 'Gemm' || op === 'MatMul' ? 'linear' : 'other';
  const depth = Number.isFinite(at) && order.size > 1 ? at / (order.size - 1) : 0;
  // In a network with convolutions, linear layers after the last one are its classifier head.
  return { depth, kind, ...(kind === 'linear' && lastConv >= 0 && at > lastConv ? { classifier: true } : {}) };
}

export interface ProfileOptions {
  probeRatio: number;
  metric: 'accuracy' | 'agreement';
  batchSize?: number;
  outputName?: string;
  /** Only these groups (default: every prunable channel group). */
  groups?: readonly string[];
  /** The dense model's evaluation, when already computed. */
  denseResult?: EvalResult;
}

/** Sensitivity of every prunable channel group, measured by real pruning and evaluation on `set`. */
export async function measureProfile(dense: Model, set: EvalSet, o: ProfileOptions): Promise<SensitivityProfile> {
  const analysis = analyzeGroups(dense);
  const order = new Map(topologicalOrder(analysis.model.graph).map((n, i) => [n.name, i]));
  const lastConv = Math.max(-1, ...analysis.model.graph.nodes.filter((n) => n.opType === 'Conv').map((n) => order.get(n.name) ?? -1));
  const opts = { batchSize: o.batchSize, outputName: o.outputName };
  const base = o.denseResult ?? (await evaluate(dense, set, opts));
  const score = (r: EvalResult) => {
    const m = computeMetrics(r, base);
    return 100 * ((o.metric === 'accuracy' ? m.accuracy : m.agreement) ?? 0);
  };
  const reference = score(base);
  const entries: SensitivityEntry[] = [];
  for (const g of analysis.groups) {
    if (g.blocked || g.kind !== 'channels' || g.channels < 2 || (o.groups && !o.groups.includes(g.id))) continue;
    const before = countOf(g);
    const { model, report } = prune(dense, { version: 1, channels: [{ group: g.id, ratio: o.probeRatio, criterion: 'l1' }] });
    const removed = report.paramsBefore - report.paramsAfter;
    const pruned = await evaluate(model, set, opts);
    const actual = report.groups[0] ? report.groups[0].removed.length / before : o.probeRatio;
    entries.push({
      group: g.id,
      sensitivity: reference - score(pruned),
      probeRatio: actual,
      // Parameters removed per unit ratio, so ratio × params estimates what a plan removes.
      params: actual > 0 ? removed / actual : 0,
      ...describeGroup(analysis, g, order, lastConv),
    });
  }
  return { metric: o.metric, entries: entries.sort((a, b) => b.sensitivity - a.sensitivity) };
}

const countOf = (g: Group) => g.channels;
