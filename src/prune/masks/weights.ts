/**
 * Shared machinery of the mask pruners: a copy of the model that can be
 * rewritten without touching the caller's, magnitudes with NaN refused, and
 * iteration over the 1-D lines of a tensor along one axis.
 */
import { PruneguardError } from '../../errors.js';
import { cloneTensor, getElement, isFloating, numel, setElement } from '../../ir/tensor.js';
import type { Model, Tensor } from '../../ir/types.js';
import { copyNode } from '../prepare.js';

/**
 * A copy sharing tensors (they are never mutated: masking writes new ones)
 * but with its own graph, node objects, attribute arrays and initializer map,
 * so `setConstant` on the copy never reaches the caller's model.
 */
export function copyForMasking(model: Model): Model {
  const g = model.graph;
  return {
    ...model,
    graph: {
      ...g,
      nodes: g.nodes.map(copyNode),
      initializers: new Map(g.initializers),
    },
  };
}

/**
 * |w| of every element as float64. Only floating dtypes: in an integer
 * (quantized) weight "zero" means the zero point, not 0, so zeroing would be wrong.
 * @throws PruneguardError E_UNSUPPORTED_DTYPE for non-floating tensors;
 *   E_BAD_PLAN when an element is NaN (magnitude ranking is undefined).
 */
export function magnitudes(t: Tensor, name: string): Float64Array {
  if (!isFloating(t.dtype)) {
    throw new PruneguardError(
      'E_UNSUPPORTED_DTYPE',
      `'${name}' is ${t.dtype}: magnitude masks need a floating weight (an integer weight's zero is its zero point)`,
    );
  }
  const out = new Float64Array(t.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = getElement(t, i);
    if (Number.isNaN(v))
      throw new PruneguardError(
        'E_BAD_PLAN',
        `'${name}' has NaN at element ${i} of dims [${t.dims.join(',')}]: magnitude pruning cannot rank it`,
      );
    out[i] = Math.abs(v);
  }
  return out;
}

export function countZeros(t: Tensor): number {
  let z = 0;
  for (let i = 0; i < t.data.length; i++) if (getElement(t, i) === 0) z++;
  return z;
}

/** A new tensor equal to `t` with the flagged elements set to 0. */
export function withZeros(t: Tensor, zero: Uint8Array): Tensor {
  const out = cloneTensor(t);
  for (let i = 0; i < zero.length; i++) if (zero[i]) setElement(out, i, 0);
  return out;
}

/** The lines of a row-major tensor along `axis`: line `l` holds elements `start(l) + k*stride`, k < length. */
export interface Lines {
  count: number;
  length: number;
  stride: number;
  start(line: number): number;
}

export function linesAlong(dims: readonly number[], axis: number): Lines {
  if (axis < 0 || axis >= dims.length)
    throw new PruneguardError('E_BAD_ARGUMENT', `axis ${axis} is out of range for dims [${dims.join(',')}]`);
  const length = dims[axis];
  const stride = numel(dims.slice(axis + 1));
  const outer = numel(dims.slice(0, axis));
  return {
    count: outer * stride,
    length,
    stride,
    start: (line) => Math.floor(line / stride) * length * stride + (line % stride),
  };
}

/** Multi-index of flat element `flat` (for messages). */
export function unravel(dims: readonly number[], flat: number): number[] {
  const idx = new Array<number>(dims.length);
  for (let d = dims.length - 1; d >= 0; d--) {
    idx[d] = flat % dims[d];
    flat = Math.floor(flat / dims[d]);
  }
  return idx;
}
