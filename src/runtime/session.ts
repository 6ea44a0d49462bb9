/**
 * onnxruntime-node sessions from in-memory models. Tests create many sessions,
 * so creation is kept cheap: one intra-op and one inter-op thread by default.
 * A large model reaches onnxruntime through a temporary file instead of one in-memory copy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import type { Model } from '../ir/types.js';
import { encodedSize, saveModel, saveModelFile } from '../onnx/save.js';
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
  /** Models encoding to more bytes than this reach onnxruntime through a temporary file (default 256 MiB). */
  viaFileAbove?: number;
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
  const source =
    options.source ?? (model instanceof Uint8Array ? '<bytes>' : `model '${model.graph.name || '<unnamed>'}'`);
  try {
    const ort = await createOrt(model, options.viaFileAbove ?? VIA_FILE_BYTES, {
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

/**
 * Past this many bytes a model goes to onnxruntime as a temporary file, streamed from its tensors
 * (with external data past 2 GB), instead of a buffer holding a second copy of every weight.
 */
const VIA_FILE_BYTES = 256 << 20;

async function createOrt(
  model: Model | Uint8Array,
  viaFileAbove: number,
  options: InferenceSession.SessionOptions,
): Promise<InferenceSession> {
  if (model instanceof Uint8Array) return InferenceSession.create(model, options);
  if (encodedSize(model) <= viaFileAbove) return InferenceSession.create(saveModel(model), options);
  const dir = mkdtempSync(join(tmpdir(), 'pruneguard-session-'));
  try {
    const path = join(dir, 'model.onnx');
    saveModelFile(model, path);
    return await InferenceSession.create(path, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
