/**
 * Executes the pending variants of a sweep. One gated model serves the dense
 * pass (all gates open), which also keeps the activations where each group's
 * gated part begins; each gated group then runs its variants on its own
 * suffix session (the nodes downstream of its gates, fed those activations),
 * or on the full gated session when no suffix fits. Groups that cannot be
 * gated are pruned for real, one session per variant.
 */
import { Tensor as OrtTensor } from 'onnxruntime-node';
import type { EvalSet } from '../data/eval-set.js';
import { PruneguardError } from '../errors.js';
import type { Model } from '../ir/types.js';
import { saveModel } from '../onnx/save.js';
import type { Group, GroupAnalysis } from '../prune/groups.js';
import type { Plan } from '../prune/plan.js';
import { prune } from '../prune/prune.js';
import { createSession, releaseSession } from '../runtime/session.js';
import type { Evaluated } from './metrics.js';
import { gateModel, gateValues, type Gate } from './sensitivity-gates.js';
import {
  createOrtSession,
  prepareData,
  runPrepared,
  score,
  type FeedsOf,
  type PreparedData,
  type SweepMetric,
} from './sensitivity-run.js';
import { suffixModel, type Suffix } from './sensitivity-suffix.js';

export interface PendingVariant {
  group: Group;
  ratio: number;
  remove: number[];
  metric?: number;
}

export interface SweepSettings {
  metric: SweepMetric;
  /** Score each variant by its worst drop over the aggregate and these slices (example indices). */
  slices?: ReadonlyMap<string, Int32Array>;
  batchSize: number;
  threads?: number;
  outputName?: string;
  /** Reuse the dense pass's activations (default true). */
  suffix?: boolean;
  /** Memory for kept activations (default 256 MiB). */
  cutBytes?: number;
  /** Called with the dense metric as soon as it is measured (so a cache keeps it even if a variant fails). */
  onDense?: (metric: number) => void;
  /** What errors call the model (its file). */
  source?: string;
}

export interface SweepOutcome {
  dense: number;
  /** Groups pruned for real, with why. */
  fallback: Map<string, string>;
}

const gateTensor = (gate: Gate, removed: readonly number[]) =>
  new OrtTensor(gate.dtype, gateValues(gate, removed), gate.dims);

/**
 * onnxruntime refused the gated dense model: when it refuses the dense model itself that is bad
 * input naming the model's file (createSession's error); otherwise the gating is pruneguard's bug.
 */
async function refused(model: Model, s: SweepSettings, e: unknown): Promise<never> {
  const dense = await createSession(model, { source: s.source ?? `model '${model.graph.name}'`, memArena: false });
  await releaseSession(dense);
  throw e;
}

export async function runSweep(
  model: Model,
  analysis: GroupAnalysis,
  set: EvalSet,
  pending: readonly PendingVariant[],
  s: SweepSettings,
  done: (v: PendingVariant) => void,
): Promise<SweepOutcome> {
  const groups = [...new Set(pending.map((v) => v.group))];
  const gated = gateModel(analysis, groups);
  const fallback = new Map(gated.ungated.map((u) => [u.group, u.reason]));
  const outputName = s.outputName ?? model.graph.outputs[0]?.name;
  if (!outputName || !model.graph.outputs.some((o) => o.name === outputName)) {
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `no output '${outputName}' (outputs: ${model.graph.outputs.map((o) => o.name).join(', ')})`,
    );
  }
  // Suffixes whose kept activations fit the memory budget.
  const suffixes = new Map<string, Suffix | 'unaffected'>();
  if (s.suffix !== false) {
    let budget = s.cutBytes ?? 256 * 2 ** 20;
    const kept = new Set<string>();
    const allGates = new Set([...gated.gates.values()].flatMap((list) => list.map((g) => g.input)));
    for (const [id, gates] of gated.gates) {
      const own = new Set(gates.map((g) => g.input));
      const sfx = suffixModel(
        gated.model,
        [...own],
        outputName,
        analysis.prop.shapes,
        new Set([...allGates].filter((g) => !own.has(g))),
      );
      if (sfx === undefined) continue;
      if (sfx !== 'unaffected') {
        const cost = sfx.bytesPerExample * set.count;
        if (cost > budget) continue;
        budget -= cost;
        sfx.cuts.forEach((c) => kept.add(c));
      }
      suffixes.set(id, sfx);
    }
    const extra = [...kept].filter((c) => !gated.model.graph.outputs.some((o) => o.name === c));
    const typeOf = (c: string) => analysis.prop.shapes.values.get(c);
    gated.model.graph.outputs = [
      ...gated.model.graph.outputs,
      ...extra.map((c) => ({ name: c, dtype: typeOf(c)?.dtype, shape: typeOf(c)?.shape && [...typeOf(c)!.shape!] })),
    ];
  }
  const keep = [...new Set([...suffixes.values()].flatMap((x) => (x === 'unaffected' ? [] : x.cuts)))];

  const data = prepareData(set, s.batchSize);
  const ones: Record<string, OrtTensor> = {};
  for (const list of gated.gates.values()) for (const gate of list) ones[gate.input] ??= gateTensor(gate, []);
  const full = await createOrtSession(saveModel(gated.model), s.threads).catch((e) => refused(model, s, e));
  let denseResult: Evaluated;
  let cuts: Record<string, OrtTensor>[];
  try {
    ({ result: denseResult, kept: cuts } = await runPrepared(
      full,
      data,
      outputName,
      (_, d) => ({ ...d, ...ones }),
      set.source,
      keep,
    ));
    s.onDense?.(score(denseResult, s.metric));
    const fullSet = pending.filter((v) => gated.gates.has(v.group.id) && !suffixes.has(v.group.id));
    for (const v of fullSet) {
      const feeds = { ...ones };
      for (const gate of gated.gates.get(v.group.id)!) feeds[gate.input] = gateTensor(gate, v.remove);
      finish(v, (await runPrepared(full, data, outputName, (_, d) => ({ ...d, ...feeds }), set.source)).result);
    }
  } finally {
    await full.release();
  }

  function finish(v: PendingVariant, result: Evaluated): void {
    v.metric = score(result, s.metric, denseResult, s.slices);
    done(v);
  }
  for (const g of groups) {
    const mine = pending.filter((v) => v.group === g);
    const sfx = suffixes.get(g.id);
    if (sfx === 'unaffected') {
      for (const v of mine) finish(v, denseResult);
      continue;
    }
    if (sfx) {
      const session = await createOrtSession(saveModel(sfx.model), s.threads);
      try {
        for (const v of mine) {
          const gates: Record<string, OrtTensor> = {};
          for (const gate of gated.gates.get(g.id)!) gates[gate.input] = gateTensor(gate, v.remove);
          const feedsOf: FeedsOf = (i, d) => ({ ...pick(d, sfx.inputs), ...pick(cuts[i], sfx.cuts), ...gates });
          finish(v, (await runPrepared(session, data, outputName, feedsOf, `${set.source} (${g.id} suffix)`)).result);
        }
      } finally {
        await session.release();
      }
    } else if (!gated.gates.has(g.id)) {
      for (const v of mine) finish(v, await runPruned(model, v, data, outputName, s.threads, set.source));
    }
  }
  return { dense: score(denseResult, s.metric), fallback };
}

function pick<T>(from: Record<string, T>, names: readonly string[]): Record<string, T> {
  return Object.fromEntries(names.map((n) => [n, from[n]]));
}

/** The fallback: a real pruned model and a session of its own. */
async function runPruned(
  model: Model,
  v: PendingVariant,
  data: PreparedData,
  outputName: string,
  threads: number | undefined,
  source: string,
): Promise<Evaluated> {
  const plan: Plan =
    v.group.kind === 'heads'
      ? { version: 1, heads: [{ attention: v.group.id, remove: v.remove }] }
      : { version: 1, channels: [{ group: v.group.id, indices: v.remove }] };
  const session = await createOrtSession(saveModel(prune(model, plan).model), threads);
  try {
    return (await runPrepared(session, data, outputName, (_, d) => d, `${source} (${v.group.id} pruned)`)).result;
  } finally {
    await session.release();
  }
}
