/**
 * Where a model's time goes, per op type, measured by onnxruntime's own per-node profiler
 * (session option `enableProfiling`: a Chrome-trace JSON of every kernel's duration) on the
 * session as served (all graph optimisations, so fused kernels are timed as they run).
 * Warm-up runs are profiled too and dropped: only node events after the warm-up's last
 * `model_run` count. End-to-end time is the sum of the measured `model_run` events, so time
 * outside any kernel (scheduling, copies) is in the denominator of every share.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import type { Model } from '../ir/types.js';
import { saveModel } from '../onnx/save.js';
import { run, type Feeds } from '../runtime/run.js';
import { ORT_LOG_SEVERITY, type Session } from '../runtime/session.js';

export interface OpProfile {
  /** Runs measured (after warm-up). */
  runs: number;
  /** Mean end-to-end time per run, µs (sum of model_run events / runs). */
  totalMicros: number;
  /** Kernel time per op type (onnxruntime's op_name, e.g. 'Gather', 'FusedMatMul'), µs per run. */
  byOp: Record<string, number>;
}

interface TraceEvent {
  cat: string;
  name: string;
  ts: number;
  dur: number;
  args?: { op_name?: string };
}

export async function profileOps(
  model: Model,
  feeds: Feeds,
  o: { warmup?: number; runs?: number; threads?: number } = {},
): Promise<OpProfile> {
  const warmup = o.warmup ?? 3;
  const runs = o.runs ?? 20;
  const dir = mkdtempSync(join(tmpdir(), 'pruneguard-profile-'));
  try {
    const ort = await InferenceSession.create(saveModel(model), {
      enableProfiling: true,
      profileFilePrefix: join(dir, 'trace'),
      intraOpNumThreads: o.threads ?? 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
      logSeverityLevel: ORT_LOG_SEVERITY,
    });
    const session: Session = {
      ort,
      source: `model '${model.graph.name}'`,
      inputNames: ort.inputNames,
      outputNames: ort.outputNames,
    };
    try {
      for (let i = 0; i < warmup + runs; i++) await run(session, feeds);
      ort.endProfiling();
    } finally {
      await ort.release();
    }
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!file) throw new Error(`onnxruntime wrote no profile into ${dir}`);
    return summarize(JSON.parse(readFileSync(join(dir, file), 'utf8')) as TraceEvent[], warmup);
  } finally {
    rmSync(dir, { recursive: true, force: true }); // our folder
  }
}

/** Per-op kernel time and end-to-end time of the runs after `warmup` (exported for tests). */
export function summarize(events: readonly TraceEvent[], warmup: number): OpProfile {
  const modelRuns = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const measured = modelRuns.slice(warmup);
  if (!measured.length)
    throw new Error(`the profile has ${modelRuns.length} runs, none after the ${warmup} warm-up runs`);
  const from = measured[0].ts;
  const byOp: Record<string, number> = {};
  for (const e of events) {
    if (e.cat !== 'Node' || e.ts < from || !e.name.endsWith('_kernel_time') || !e.args?.op_name) continue;
    byOp[e.args.op_name] = (byOp[e.args.op_name] ?? 0) + e.dur / measured.length;
  }
  return { runs: measured.length, totalMicros: measured.reduce((s, e) => s + e.dur, 0) / measured.length, byOp };
}
