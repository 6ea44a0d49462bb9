/**
 * Known contents of small tensors (see SymbolicValue). Constants are decoded into
 * this form once per Tensor object (cached), so repeated inference on the same
 * graph never re-reads initializer bytes.
 */
import { fromNumbers, getElement } from '../ir/tensor.js';
import type { Dim, DType, Tensor } from '../ir/types.js';
import type { SymbolicValue } from './types.js';

/** Larger constants are never folded: shape subgraphs are tiny, weights are not. */
export const MAX_FOLD_ELEMENTS = 4096;

const cache = new WeakMap<Tensor, SymbolicValue | null>();

export function valueOfTensor(t: Tensor): SymbolicValue | undefined {
  let v = cache.get(t);
  if (v === undefined) {
    v = null;
    // The size from the dims: reading `data` would load a weight (from disk, for external data) just to skip it.
    if (t.dtype !== 'string' && numElements(t.dims) <= MAX_FOLD_ELEMENTS) {
      const values = new Array<Dim>(t.data.length);
      for (let i = 0; i < values.length; i++) values[i] = getElement(t, i);
      v = { dtype: t.dtype, dims: [...t.dims], values };
    }
    cache.set(t, v);
  }
  return v ?? undefined;
}

export function isConcrete(v: SymbolicValue): boolean {
  for (const x of v.values) if (typeof x !== 'number') return false;
  return true;
}

export function tensorOfValue(v: SymbolicValue): Tensor | undefined {
  if (!isConcrete(v)) return undefined;
  return fromNumbers(v.dtype, v.dims, v.values as number[]);
}

export function numElements(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i];
  }
  return s;
}

/**
 * Elementwise op with numpy broadcasting over known values; undefined when the
 * shapes do not broadcast or the result is too big.
 */
export function broadcastValues(
  inputs: SymbolicValue[],
  dtype: DType,
  f: (xs: Dim[]) => Dim,
): SymbolicValue | undefined {
  const rank = Math.max(...inputs.map((v) => v.dims.length));
  const dims = new Array<number>(rank).fill(1);
  for (const v of inputs) {
    const off = rank - v.dims.length;
    for (let i = 0; i < v.dims.length; i++) {
      const d = v.dims[i];
      if (d === dims[off + i] || d === 1) continue;
      if (dims[off + i] !== 1) return undefined;
      dims[off + i] = d;
    }
  }
  const n = numElements(dims);
  if (n > MAX_FOLD_ELEMENTS) return undefined;
  const outStrides = strides(dims);
  const inStrides = inputs.map((v) => {
    const s = strides(v.dims);
    const off = rank - v.dims.length;
    return dims.map((_, a) => (a < off || v.dims[a - off] === 1 ? 0 : s[a - off]));
  });
  const values = new Array<Dim>(n);
  const args = new Array<Dim>(inputs.length);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < inputs.length; k++) {
      let idx = 0;
      let rem = i;
      for (let a = 0; a < rank; a++) {
        const c = Math.floor(rem / outStrides[a]);
        rem -= c * outStrides[a];
        idx += c * inStrides[k][a];
      }
      args[k] = inputs[k].values[idx];
    }
    values[i] = f(args);
  }
  return { dtype, dims, values };
}

/** Converts an entry to `dtype` the way Cast does (numbers only; symbols pass through for integer/float targets). */
export function castDim(x: Dim, dtype: DType): Dim {
  if (typeof x !== 'number') return dtype === 'bool' ? null : x;
  switch (dtype) {
    case 'bool':
      return x !== 0 ? 1 : 0;
    case 'float32':
    case 'float16':
    case 'bfloat16':
      return Math.fround(x);
    case 'float64':
      return x;
    default:
      return Number.isFinite(x) ? Math.trunc(x) : null;
  }
}
