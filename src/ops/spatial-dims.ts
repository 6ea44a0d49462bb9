/** Output sizes of sliding windows (Conv, pools), shared so they agree on padding rules. */
import { attrInts, attrString } from '../ir/attrs.js';
import type { Dim } from '../ir/types.js';
import type { OpContext } from '../shape/context.js';
import { addDims, mulDims, subDims } from '../shape/dims.js';

export interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [begin..., end...] as in ONNX. */
  pads: number[];
  autoPad: string;
}

export function windowOf(ctx: OpContext, kernel: number[]): Window {
  const r = kernel.length;
  const ones = new Array<number>(r).fill(1);
  return {
    kernel,
    strides: attrInts(ctx.node, 'strides') ?? ones,
    dilations: attrInts(ctx.node, 'dilations') ?? ones,
    pads: attrInts(ctx.node, 'pads') ?? new Array<number>(2 * r).fill(0),
    autoPad: attrString(ctx.node, 'auto_pad') ?? 'NOTSET',
  };
}

/**
 * Forward window output size per spatial axis. Symbolic sizes stay symbolic when the
 * stride is 1 (an exact polynomial); with a larger stride they become null.
 * ceil_mode follows the ONNX/PyTorch rule: the last window must start inside the input or left padding.
 */
export function windowOutput(ctx: OpContext, spatial: Dim[], w: Window, ceilMode = false): Dim[] {
  const r = spatial.length;
  return spatial.map((size, i) => {
    const s = w.strides[i] ?? 1;
    const ek = (w.dilations[i] ?? 1) * (w.kernel[i] - 1) + 1;
    const same = w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER';
    const pb = same || w.autoPad === 'VALID' ? 0 : (w.pads[i] ?? 0);
    const pe = same || w.autoPad === 'VALID' ? 0 : (w.pads[i + r] ?? 0);
    if (typeof size !== 'number') {
      if (size === null || s !== 1) return null;
      return same ? size : addDims(size, pb + pe - ek + 1);
    }
    let out: number;
    if (same) out = Math.ceil(size / s);
    else {
      const span = size + pb + pe - ek;
      if (ceilMode) {
        out = Math.ceil(span / s) + 1;
        if ((out - 1) * s >= size + pb) out--;
      } else out = Math.floor(span / s) + 1;
    }
    if (out < 1) {
      ctx.problem(
        'window-too-large',
        `${ctx.node.opType} axis ${i + 2}: window ${ek} (kernel ${w.kernel[i]}) does not fit input ${size} with ` +
          `pads ${pb}+${pe}`,
      );
      return null;
    }
    return out;
  });
}

/** ConvTranspose output size per spatial axis (without output_shape). */
export function transposedOutput(spatial: Dim[], w: Window, outputPadding: number[]): Dim[] {
  const r = spatial.length;
  return spatial.map((size, i) => {
    const s = w.strides[i] ?? 1;
    if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') return mulDims(size, s);
    const valid = w.autoPad === 'VALID';
    const pads = valid ? 0 : (w.pads[i] ?? 0) + (w.pads[i + r] ?? 0);
    const ek = (w.dilations[i] ?? 1) * (w.kernel[i] - 1) + 1;
    return addDims(mulDims(subDims(size, 1), s), (outputPadding[i] ?? 0) + ek - pads);
  });
}
