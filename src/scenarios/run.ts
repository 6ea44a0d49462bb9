/**
 * Runs a scenario: builds the dense model, makes each variant's pruned model,
 * runs the scenario's check on it and judges: the faulty variant must be
 * caught by one of `mustCatch`, the fixed one must pass. Errors in a variant
 * are results (verdict 'error'), so one broken scenario never hides the others.
 */
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { failing, type Finding } from '../findings.js';
import { evaluate, type EvalResult } from '../data/evaluate.js';
import { loadEvalSet } from '../data/load.js';
import type { EvalSet } from '../data/eval-set.js';
import { defaultOpset, type Model } from '../ir/types.js';
import { loadModelFile } from '../onnx/load.js';
import { prune } from '../prune/prune.js';
import type { CheckContext, MakeContext, PlotData, Recorder, Scenario, Tolerance, VariantName } from './define.js';

export type Verdict = 'caught' | 'missed' | 'pass' | 'fail' | 'error';

export interface Measurement {
  value: number;
  tolerance?: Tolerance;
}

/** One variant's outcome: its findings, verdict and which invariants caught it. */
export interface VariantResult {
  summary: string;
  verdict: Verdict;
  /** The variant behaved as the scenario requires. */
  ok: boolean;
  /** Invariants/gates with failing findings, sorted. */
  caughtBy: string[];
  findings: Finding[];
  measurements: Record<string, Measurement>;
  plots: PlotData[];
  error?: string;
  ms: number;
}

/** One scenario's outcome: both variants, whether it behaves as it must, and its measurements. */
export interface ScenarioResult {
  id: string;
  title: string;
  file?: string;
  failureMode: Scenario['failureMode'];
  incident: Scenario['incident'];
  mustCatch: string[];
  /** Default-domain opset of the dense model. */
  opset?: number;
  ok: boolean;
  variants: Record<VariantName, VariantResult>;
  /** Measurements and plots shared by both variants (recorded while preparing). */
  shared: { measurements: Record<string, Measurement>; plots: PlotData[] };
  /** Disagreements with the golden file (set by the CLI's runs: golden-check.ts); any makes `ok` false. */
  golden?: string[];
  ms: number;
}

export interface RunOptions {
  /** Project root that model and data paths are relative to (default: cwd). */
  root?: string;
  file?: string;
}

const VARIANTS: readonly VariantName[] = ['faulty', 'fixed'];

/** Runs a scenario's faulty and fixed variants through its check and compares with its golden file. */
export async function runScenario(s: Scenario, o: RunOptions = {}): Promise<ScenarioResult> {
  const t0 = performance.now();
  const root = o.root ?? process.cwd();
  const resolve = (p: string): string => (isAbsolute(p) ? p : resolvePath(root, p));
  const shared = { measurements: {} as Record<string, Measurement>, plots: [] as PlotData[] };
  const base: Omit<ScenarioResult, 'ok' | 'variants' | 'ms' | 'opset'> = {
    id: s.id,
    title: s.title,
    ...(o.file ? { file: o.file } : {}),
    failureMode: s.failureMode,
    incident: s.incident,
    mustCatch: [...s.mustCatch].sort(),
    shared,
  };
  let dense: Model;
  let data: EvalSet | undefined;
  try {
    dense = typeof s.model === 'string' ? loadModelFile(resolve(s.model)) : await s.model();
    if (s.data) data = await loadEvalSet(resolve(s.data.file), { inputNames: dense.graph.inputs.map((i) => i.name) });
  } catch (e) {
    const error = (e as Error).message;
    const failed = (summary: string): VariantResult => ({
      summary,
      verdict: 'error',
      ok: false,
      caughtBy: [],
      findings: [],
      measurements: {},
      plots: [],
      error,
      ms: 0,
    });
    return {
      ...base,
      ok: false,
      variants: { faulty: failed(s.variants.faulty.summary), fixed: failed(s.variants.fixed.summary) },
      ms: performance.now() - t0,
    };
  }
  const evalOf = (m: Model): Promise<EvalResult> => {
    if (!data) throw new Error(`scenario '${s.id}' declares no data to evaluate on`);
    return evaluate(m, data, { batchSize: 256 });
  };
  let denseResult: Promise<EvalResult> | undefined;
  const denseOnce = (): Promise<EvalResult> => (denseResult ??= evalOf(dense));
  const memo = new Map<string, Promise<unknown>>();
  const sharedRecorder: Recorder = {
    record: (key, value, tolerance) => void (shared.measurements[key] = { value, ...(tolerance ? { tolerance } : {}) }),
    plot: (p) => void shared.plots.push(p),
  };
  const once = <T>(key: string, compute: (r: Recorder) => Promise<T> | T): Promise<T> => {
    if (!memo.has(key))
      memo.set(
        key,
        Promise.resolve().then(() => compute(sharedRecorder)),
      );
    return memo.get(key) as Promise<T>;
  };
  const variants = {} as Record<VariantName, VariantResult>;
  for (const name of VARIANTS) {
    const v = s.variants[name];
    const t = performance.now();
    const measurements: Record<string, Measurement> = {};
    const plots: PlotData[] = [];
    const record = (key: string, value: number, tolerance?: Tolerance): void => {
      measurements[key] = { value, ...(tolerance ? { tolerance } : {}) };
    };
    const make: MakeContext = {
      dense,
      data,
      evaluate: evalOf,
      denseResult: denseOnce,
      record,
      plot: (p) => void plots.push(p),
      resolve,
      shared: once,
    };
    try {
      const made = v.make
        ? await v.make(make)
        : { pruned: v.prune ? await v.prune(dense, v.plan!) : prune(dense, v.plan!).model, plan: v.plan };
      const ctx: CheckContext = {
        ...make,
        pruned: made.pruned,
        plan: made.plan,
        variant: name,
        slices: s.data?.slices ?? [],
      };
      const findings = failing(await s.check(ctx));
      const caughtBy = [...new Set(findings.map((f) => f.invariant))].sort();
      const verdict: Verdict =
        name === 'faulty'
          ? caughtBy.some((i) => s.mustCatch.includes(i))
            ? 'caught'
            : 'missed'
          : findings.length
            ? 'fail'
            : 'pass';
      variants[name] = {
        summary: v.summary,
        verdict,
        ok: verdict === 'caught' || verdict === 'pass',
        caughtBy,
        findings,
        measurements,
        plots,
        ms: performance.now() - t,
      };
    } catch (e) {
      variants[name] = {
        summary: v.summary,
        verdict: 'error',
        ok: false,
        caughtBy: [],
        findings: [],
        measurements,
        plots,
        error: (e as Error).stack ?? String(e),
        ms: performance.now() - t,
      };
    }
  }
  return {
    ...base,
    opset: defaultOpset(dense),
    ok: variants.faulty.ok && variants.fixed.ok,
    variants,
    ms: performance.now() - t0,
  };
}
