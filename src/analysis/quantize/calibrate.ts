/**
 * Calibration: the observed range of every activation a quantizer will encode,
 * measured by running the float model on calibration data.
 */
import { toFloat32 } from '../../ir/tensor.js';
import type { Model } from '../../ir/types.js';
import { exposeIntermediates } from '../../runtime/intermediates.js';
import { run, type Feeds } from '../../runtime/run.js';
import { createSession } from '../../runtime/session.js';

export interface Range {
  min: number;
  max: number;
}

export interface Calibration {
  /** Observed [min, max] per activation tensor name. */
  ranges: Record<string, Range>;
  /** Digest of the model the ranges were measured on (see modelDigest). */
  modelDigest: string;
}

/** Runs `model` on every batch with `tensors` exposed, handing each tensor's values to `visit`. */
export async function visitActivations(
  model: Model,
  batches: readonly Feeds[],
  tensors: readonly string[],
  visit: (tensor: string, values: Float32Array) => void,
): Promise<void> {
  const session = await createSession(exposeIntermediates(model, tensors));
  for (const feeds of batches) {
    const out = await run(session, feeds, tensors);
    for (const name of tensors) visit(name, toFloat32(out[name]));
  }
}

/** Ranges of `tensors` over every batch of `batches`, measured on `model`. */
export async function calibrate(
  model: Model,
  batches: readonly Feeds[],
  tensors: readonly string[],
  digest: string,
): Promise<Calibration> {
  const ranges: Record<string, Range> = {};
  await visitActivations(model, batches, tensors, (name, data) => {
    const r = (ranges[name] ??= { min: Infinity, max: -Infinity });
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v < r.min) r.min = v;
      if (v > r.max) r.max = v;
    }
  });
  return { ranges, modelDigest: digest };
}
