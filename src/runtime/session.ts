/**
 * onnxruntime-node sessions from in-memory models. Tests create many sessions,
 * so creation is kept cheap: one intra-op and one inter-op thread by default.
 */
import { InferenceSession } from 'onnxruntime-node';
import type { Model } from '../ir/types.js';
import { saveModel } from '../onnx/save.js';
import { wrapRuntimeError } from './runtime-error.js';

export interface SessionOptions {
  /** Threads inside one op (default 1: many small sessions, 2 shared cores). */
  intraOpThreads?: number;
  /** Threads across ops (default 1). */
  interOpThreads?: number;
  /** onnxruntime graph optimisations (default 'all', as served). */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * onnxruntime's CPU memory arena (default true, as served). A session that is run once or twice and
   * released gains nothing from it and pays to set it up and tear it down.
   */
  memArena?: boolean;
  /** Name used in error messages (default: the model's graph name). */
  source?: string;
}

export interface Session {
  readonly ort: InferenceSession;
  /** What error messages call the model. */
  readonly source: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}

/**
 * Creates a session from an IR model or ONNX bytes.
 * @example const s = await createSession(model); const out = await run(s, { x });
 */
export async function createSession(model: Model | Uint8Array, options: SessionOptions = {}): Promise<Session> {
  const bytes = model instanceof Uint8Array ? model : saveModel(model);
  const source = options.source ?? (model instanceof Uint8Array ? '<bytes>' : `model '${model.graph.name || '<unnamed>'}'`);
  try {
    const ort = await InferenceSession.create(bytes, {
      intraOpNumThreads: options.intraOpThreads ?? 1,
      interOpNumThreads: options.interOpThreads ?? 1,
      graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
      enableCpuMemArena: options.memArena ?? true,
      executionMode: 'sequential',
      logSeverityLevel: 3,
    });
    return { ort, source, inputNames: ort.inputNames, outputNames: ort.outputNames };
  } catch (e) {
    throw wrapRuntimeError(e, `${source}: onnxruntime cannot load the model`);
  }
}

/** Frees the native session (optional: the garbage collector does it too, later). */
export async function releaseSession(session: Session): Promise<void> {
  await session.ort.release();
}
