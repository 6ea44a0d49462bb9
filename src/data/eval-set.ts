/**
 * An evaluation set: arrays named as the model inputs, optional `labels`,
 * optional `slice_<name>` masks and optional `<input>_lengths` for padded
 * variable-length inputs (axis 1 is the sequence axis).
 */
import { PruneguardError } from '../errors.js';
import { getElement, isFloating } from '../ir/tensor.js';
import type { Tensor } from '../ir/types.js';

/** Evaluation data in memory: inputs by name, optional labels, slices and sequence lengths. */
export interface EvalSet {
  /** File (or description) named in error messages. */
  readonly source: string;
  /** Number of examples (axis 0 of every array). */
  readonly count: number;
  readonly inputs: Record<string, Tensor>;
  readonly labels?: Int32Array;
  /** Slice masks from `slice_<name>` arrays, keyed by `<name>`, one 0/1 byte per example. */
  readonly slices: Record<string, Uint8Array>;
  /** Valid lengths along axis 1, keyed by input name (from `<input>_lengths`). */
  readonly lengths: Record<string, Int32Array>;
  /** Inputs whose dtype was not stated (JSON numbers): cast to the model's dtype when bound. */
  readonly looseDtypes?: ReadonlySet<string>;
}

function bad(source: string, message: string): PruneguardError {
  return new PruneguardError('E_BAD_DATA', `${source}: ${message}`);
}

/** Integer values of a 1-D (or [N,1]) array; refuses floats and non-integral values. */
function integers(t: Tensor, what: string, source: string): Int32Array {
  if (t.dims.length === 0 || t.dims.length > 2 || (t.dims.length === 2 && t.dims[1] !== 1)) {
    throw bad(source, `${what} must have shape [N] (or [N,1]), got [${t.dims.join(',')}]`);
  }
  const out = new Int32Array(t.dims[0]);
  for (let i = 0; i < out.length; i++) {
    const v = getElement(t, i);
    if (!Number.isInteger(v))
      throw bad(
        source,
        `${what} must hold integers; element ${i} is ${v}${isFloating(t.dtype) ? ` (dtype ${t.dtype})` : ''}`,
      );
    // Stored as int32: a larger int64 would wrap into a different, plausible-looking value.
    if (v < -(2 ** 31) || v >= 2 ** 31)
      throw bad(source, `${what} element ${i} is ${v}, outside the 32-bit range a label or index can have`);
    out[i] = v;
  }
  return out;
}

/** Which arrays of a data file are model inputs, and which dtypes may be converted. */
export interface ClassifyOptions {
  /** The model's input names: an array named like an input is always an input, even `x_lengths`. */
  inputNames?: readonly string[];
  looseDtypes?: ReadonlySet<string>;
  /**
   * The inputs whose axis 0 counts examples (default: every input). A KV cache stacked `[2, B, ...]` or
   * with batch and heads merged `[B·H, hd, S]` has another axis 0 (see `exampleInputs` in validate.ts).
   */
  exampleInputs?: readonly string[];
}

/**
 * Sorts named arrays into inputs, labels, slices and lengths, and checks that
 * they all agree on the number of examples.
 */
export function evalSetFromArrays(arrays: Map<string, Tensor>, source: string, options: ClassifyOptions = {}): EvalSet {
  const isInput = (n: string): boolean => options.inputNames?.includes(n) ?? false;
  const inputs: Record<string, Tensor> = {};
  const lengthArrays: [string, Tensor][] = [];
  const sliceArrays: [string, Tensor][] = [];
  let labelArray: Tensor | undefined;
  for (const [name, t] of arrays) {
    if (isInput(name)) inputs[name] = t;
    else if (name === 'labels') labelArray = t;
    else if (name.startsWith('slice_') && name.length > 6) sliceArrays.push([name.slice(6), t]);
    else if (name.endsWith('_lengths') && arrays.has(name.slice(0, -8))) lengthArrays.push([name.slice(0, -8), t]);
    else inputs[name] = t;
  }
  const all = Object.keys(inputs);
  if (all.length === 0) throw bad(source, `no input arrays (found: ${[...arrays.keys()].join(', ') || 'nothing'})`);
  const counted = all.filter((n) => options.exampleInputs?.includes(n) ?? true);
  const names = counted.length ? counted : all;
  const first = inputs[names[0]];
  if (first.dims.length === 0) throw bad(source, `input '${names[0]}' is a scalar; inputs need a batch axis`);
  const count = first.dims[0];
  const checkCount = (what: string, t: Tensor): void => {
    if (t.dims.length === 0 || t.dims[0] !== count) {
      throw bad(
        source,
        `${what} has ${t.dims.length ? t.dims[0] : 'no'} examples (shape [${t.dims.join(',')}]) ` +
          `but input '${names[0]}' has ${count}`,
      );
    }
  };
  for (const n of names) checkCount(`input '${n}'`, inputs[n]);
  let labels: Int32Array | undefined;
  if (labelArray) {
    checkCount("'labels'", labelArray);
    labels = integers(labelArray, "'labels'", source);
  }
  const slices: Record<string, Uint8Array> = {};
  for (const [name, t] of sliceArrays) {
    checkCount(`'slice_${name}'`, t);
    const v = integers(t, `'slice_${name}'`, source);
    const mask = new Uint8Array(v.length);
    for (let i = 0; i < v.length; i++) {
      if (v[i] !== 0 && v[i] !== 1) throw bad(source, `'slice_${name}' must be bool or 0/1; element ${i} is ${v[i]}`);
      mask[i] = v[i];
    }
    slices[name] = mask;
  }
  const lengths: Record<string, Int32Array> = {};
  for (const [input, t] of lengthArrays) {
    checkCount(`'${input}_lengths'`, t);
    const v = integers(t, `'${input}_lengths'`, source);
    const max = inputs[input].dims[1];
    if (max === undefined)
      throw bad(
        source,
        `'${input}_lengths' given but input '${input}' has no sequence axis (shape [${inputs[input].dims.join(',')}])`,
      );
    const i = v.findIndex((l) => l < 1 || l > max);
    if (i >= 0)
      throw bad(source, `'${input}_lengths'[${i}] = ${v[i]} is outside 1..${max} (the padded length of '${input}')`);
    lengths[input] = v;
  }
  return { source, count, inputs, labels, slices, lengths, looseDtypes: options.looseDtypes };
}
