/**
 * onnxruntime-node sessions from in-memory models. Tests create many sessions,
 * so creation is kept cheap: one intra-op and one inter-op thread by default.
 * A large model reaches onnxruntime through a temporary file (in shared memory when there is room)
 * instead of one in-memory copy.
 */
import { rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { stagingFolderFor } from '../fs/write-atomic.js';
import type { Model } from '../ir/types.js';
import { encodeModel } from '../onnx/encode.js';
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
  /**
   * Weights re-laid out for the GEMM kernels at creation (default true, as served). A session run once
   * or twice gains nothing from it and holds every prepacked MatMul weight twice while it lives.
   */
  prepacking?: boolean;
  /** Name used in error messages (default: the model's graph name). */
  source?: string;
  /** Models encoding to more bytes than this reach onnxruntime through a temporary file (default 256 MiB). */
  viaFileAbove?: number;
}

/** A model file onnxruntime reads itself (external data beside it resolved by onnxruntime). */
export interface ModelFile {
  readonly path: string;
}

/**
 * onnxruntime's own log severity: fatal only. Every error it raises is caught and reported by
 * pruneguard with the file, node and inputs, so its log line would only make that report two lines.
 */
export const ORT_LOG_SEVERITY = 4;

export interface Session {
  readonly ort: InferenceSession;
  /** What error messages call the model. */
  readonly source: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}

/**
 * Creates a session from an IR model, ONNX bytes or a model file.
 * @example const s = await createSession(model); const out = await run(s, { x });
 */
export async function createSession(
  model: Model | Uint8Array | ModelFile,
  options: SessionOptions = {},
): Promise<Session> {
  const source = options.source ?? sourceName(model);
  try {
    const ort = await createOrt(model, options.viaFileAbove ?? VIA_FILE_BYTES, {
      intraOpNumThreads: options.intraOpThreads ?? 1,
      interOpNumThreads: options.interOpThreads ?? 1,
      graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
      enableCpuMemArena: options.memArena ?? true,
      executionMode: 'sequential',
      logSeverityLevel: ORT_LOG_SEVERITY,
      ...(options.prepacking === false ? { extra: { session: { disable_prepacking: '1' } } } : {}),
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

const sourceName = (model: Model | Uint8Array | ModelFile) =>
  model instanceof Uint8Array ? '<bytes>' : 'path' in model ? model.path : `model '${model.graph.name || '<unnamed>'}'`;

async function createOrt(
  model: Model | Uint8Array | ModelFile,
  viaFileAbove: number,
  options: InferenceSession.SessionOptions,
): Promise<InferenceSession> {
  if (model instanceof Uint8Array) return InferenceSession.create(model, options);
  if ('path' in model) return InferenceSession.create(model.path, options);
  const encoded = encodeModel(model);
  if (encoded.size <= viaFileAbove) return InferenceSession.create(saveModel(model, encoded), options);
  const file = writeSessionFile(model, encoded.size);
  try {
    return await InferenceSession.create(file.path, options);
  } finally {
    // onnxruntime has mapped or copied what it needs: the files can go at once.
    file.dispose();
  }
}

/** A model written for onnxruntime to read, removed by `dispose()`. */
export interface SessionFile extends ModelFile {
  dispose(): void;
}

/**
 * Writes `model` where onnxruntime reads it fastest: its tensors as external data (aligned, so
 * onnxruntime maps them instead of parsing and copying them: bert-base's session took 0.4 s and
 * 85 MB this way against 4 s and 600 MB from one inline file), in shared memory when there is room.
 * For a model that must be released from memory before its session is made (prune --verify).
 */
export function writeSessionFile(model: Model, size = encodedSize(model)): SessionFile {
  // Named as pruneguard's temporaries (with this process's pid), so a run killed with -9 before
  // dispose() leaves nothing for long: the next session file made here removes it. In /dev/shm a
  // forgotten file would hold memory until reboot.
  const dir = stagingFolderFor(join(sessionFolder(size), 'pruneguard-session'), 'session file');
  const path = join(dir, 'model.onnx');
  try {
    saveModelFile(model, path, { externalData: true });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { path, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Shared memory, for files read once and deleted at once. */
const SHM = '/dev/shm';

/**
 * Where a session's temporary model file goes: shared memory when it has room for twice the model
 * (the file lives only while onnxruntime reads it, so a disk would only slow the write down, which
 * took most of prune --verify's time on a busy machine), else the temporary folder.
 */
function sessionFolder(bytes: number): string {
  try {
    const fs = statfsSync(SHM);
    if (fs.bavail * fs.bsize > 2 * bytes) return SHM;
  } catch {
    // no shared memory here
  }
  return tmpdir();
}
