/**
 * Writes the graph IR back to ONNX, keeping everything the harness did not change. Saving
 * streams: tensor bytes go from where they are (the loaded file, an external-data file, or a
 * tensor's memory) to the output in chunks, never gathered into one buffer. Past protobuf's
 * 2 GB limit (or on request) tensors go to an external-data file by the ONNX convention.
 */
import { closeSync, openSync, readSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pausePoint } from '../fs/test-pause.js';
import { writeAll, writeFileAtomicWith } from '../fs/write-atomic.js';
import { PruneguardError } from '../errors.js';
import type { Model } from '../ir/types.js';
import { encodeModel } from './encode.js';
import { planExternalData, type ExternalDataPlan } from './external-plan.js';
import type { DeferredBytes, FileRange, Part, Writer } from './wire/writer.js';

/** protobuf refuses messages of 2 GiB or more. */
export const PROTOBUF_LIMIT = 2 ** 31 - 1;

export interface SaveOptions {
  /**
   * 'auto' (default): external data only when the model would pass protobuf's 2 GB limit;
   * true: tensors of `sizeThreshold` bytes or more go to the external-data file; false: all inline.
   */
  externalData?: boolean | 'auto';
  /** External-data file name, in the model's folder (default: the model's file name + `.data`). */
  location?: string;
  /** Tensors smaller than this stay inline (default 1024 bytes, as onnx's convert_model_to_external_data). */
  sizeThreshold?: number;
}

/** Bytes the model takes when saved inline (encodes without copying any tensor). */
export function encodedSize(model: Model): number {
  return encodeModel(model).size;
}

/**
 * The model as one buffer (for onnxruntime sessions and tests). External data is inlined.
 * `encoded`: encodeModel(model) when the caller already made it (to learn its size).
 */
export function saveModel(model: Model, encoded?: Writer): Uint8Array {
  const w = encoded ?? encodeModel(model);
  if (w.size > PROTOBUF_LIMIT) throw tooBig(w.size);
  const out = new Uint8Array(w.size);
  let at = 0;
  for (const p of w.parts) {
    if (p instanceof Uint8Array) out.set(p, at);
    else if (isDeferred(p)) out.set(made(p), at);
    else readInto(p, out.subarray(at, at + p.length));
    at += p.length;
  }
  return out;
}

/** The external-data file `saveModelFile` would write for `path` (to check it before any work). */
export function externalDataPath(path: string, options: SaveOptions = {}): string {
  return join(dirname(path), options.location ?? `${basename(path)}.data`);
}

/**
 * Writes atomically (src/fs/write-atomic.ts), the external-data file first and the model last.
 * `replace` (default true: the caller named the path) lets it replace existing regular files;
 * commands decide it with checkOutput. Returns the external-data file written, if any.
 */
export function saveModelFile(
  model: Model,
  path: string,
  options: SaveOptions & { replace?: boolean } = {},
): { externalData?: string } {
  const mode = options.externalData ?? 'auto';
  const replace = options.replace ?? true;
  // Encoded inline only when that decides (auto); the encoding does not copy tensors, but walks every node.
  const inline = mode === true ? undefined : encodeModel(model);
  let plan: ExternalDataPlan | undefined;
  let w: Writer;
  if (!inline || (mode === 'auto' && inline.size > PROTOBUF_LIMIT)) {
    plan = planExternalData(model, options.location ?? `${basename(path)}.data`, options.sizeThreshold ?? 1024);
    refuseReadingWhatWeWrite(
      plan.writes.map((x) => x.source),
      join(dirname(path), plan.location),
    );
    w = encodeModel(model, plan.placements);
  } else w = inline;
  if (w.size > PROTOBUF_LIMIT) throw tooBig(w.size);
  const dataPath = plan && join(dirname(path), plan.location);
  if (plan && dataPath) {
    const parts = plan.writes.flatMap((x) => [padding(x.padding), x.source]);
    writeFileAtomicWith(dataPath, (fd, tmp) => writeParts(fd, parts, () => pausePoint('partial-write', tmp)), {
      replace,
      what: 'external data',
    });
  }
  writeFileAtomicWith(path, (fd, tmp) => writeParts(fd, w.parts, () => pausePoint('partial-write', tmp)), {
    replace,
    what: 'model',
  });
  return dataPath ? { externalData: dataPath } : {};
}

function tooBig(size: number): PruneguardError {
  return new PruneguardError(
    'E_BAD_ARGUMENT',
    `the model is ${size} bytes, past protobuf's 2 GB limit: save it with external data`,
  );
}

/** Copying a tensor out of the very file being replaced would read half-written bytes. */
function refuseReadingWhatWeWrite(sources: Part[], target: string): void {
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    return;
  } // does not exist yet
  for (const s of sources) {
    if (!(s instanceof Uint8Array) && !isDeferred(s) && resolve(s.path) === real) {
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `refusing to write external data to ${target}: the model's own tensors are read from it`,
      );
    }
  }
}

const ZERO = new Uint8Array(4096);
const padding = (n: number) => ZERO.subarray(0, n);

const CHUNK = 8 << 20;

/**
 * Writes parts in order: small ones gathered into 8 MB chunks, large ones and file ranges streamed.
 * `midway` runs once, half-way through the parts (the crash tests' partial-write pause).
 */
function writeParts(fd: number, parts: readonly Part[], midway: () => void): void {
  const buf = new Uint8Array(CHUNK);
  let used = 0;
  const drain = () => {
    if (used) writeAll(fd, buf.subarray(0, used));
    used = 0;
  };
  const half = parts.length >> 1;
  for (const [i, p] of parts.entries()) {
    if (i === half) {
      drain();
      midway();
    }
    if (p instanceof Uint8Array) {
      if (p.length > CHUNK / 4) {
        drain();
        writeAll(fd, p);
        continue;
      }
      if (used + p.length > CHUNK) drain();
      buf.set(p, used);
      used += p.length;
    } else if (isDeferred(p)) {
      drain();
      writeAll(fd, made(p));
    } else {
      drain();
      copyRange(fd, p, buf);
    }
  }
  drain();
}

const isDeferred = (p: Part): p is DeferredBytes => 'make' in p;

function made(p: DeferredBytes): Uint8Array {
  const bytes = p.make();
  if (bytes.length !== p.length)
    throw new Error(`deferred tensor bytes: made ${bytes.length} bytes, declared ${p.length} (a pruneguard bug)`);
  return bytes;
}

function copyRange(fd: number, range: FileRange, buf: Uint8Array): void {
  const src = openSync(range.path, 'r');
  try {
    for (let done = 0; done < range.length; ) {
      const n = readSync(src, buf, 0, Math.min(buf.length, range.length - done), range.offset + done);
      if (n === 0)
        throw new PruneguardError(
          'E_EXTERNAL_DATA',
          `'${range.path}' ended early (changed since the model was loaded?)`,
        );
      writeAll(fd, buf.subarray(0, n));
      done += n;
    }
  } finally {
    closeSync(src);
  }
}

function readInto(range: FileRange, into: Uint8Array): void {
  const src = openSync(range.path, 'r');
  try {
    for (let done = 0; done < range.length; ) {
      const n = readSync(src, into, done, range.length - done, range.offset + done);
      if (n === 0)
        throw new PruneguardError(
          'E_EXTERNAL_DATA',
          `'${range.path}' ended early (changed since the model was loaded?)`,
        );
      done += n;
    }
  } finally {
    closeSync(src);
  }
}
