/**
 * Shape arithmetic for the builder. Dims are numbers or symbols ("batch");
 * a symbol the builder cannot express exactly becomes null (unknown) rather
 * than a guess.
 */
import { formatShape } from '../format.js';
import { PruneguardError } from '../../errors.js';
import type { Dim } from '../types.js';

export type Shape = readonly Dim[];

export function fail(message: string): never {
  throw new PruneguardError('E_BAD_ARGUMENT', message);
}

export const fmtShape = formatShape;

/** Normalises a possibly negative axis against a rank, or throws. */
export function normAxis(axis: number, rank: number, what: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank)
    fail(`${what}: axis ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

export function requireRank(what: string, shape: Shape, min: number, max = min): void {
  if (shape.length < min || shape.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `>= ${min}` : `${min}..${max}`;
    fail(`${what}: expected rank ${want}, got rank ${shape.length} ${fmtShape(shape)}`);
  }
}

/** A dim that must be concrete (weights are sized by it). */
export function concrete(what: string, shape: Shape, axis: number): number {
  const d = shape[axis];
  if (typeof d !== 'number')
    fail(`${what}: dim ${axis} of ${fmtShape(shape)} must be a concrete number, got ${String(d)}`);
  return d;
}

export function positiveInt(what: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) fail(`${what} must be a positive integer, got ${value}`);
  return value;
}

/** Multidirectional (numpy) broadcast of two shapes, or throws with both shapes. */
export function broadcastShapes(what: string, a: Shape, b: Shape): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const x = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
    const y = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
    if (x === 1) out.push(y);
    else if (y === 1 || x === y) out.push(x);
    else if (typeof x === 'number' && typeof y === 'number')
      fail(`${what}: shapes ${fmtShape(a)} and ${fmtShape(b)} do not broadcast`);
    else out.push(typeof x === 'number' ? x : typeof y === 'number' ? y : null);
  }
  return out;
}

/**
 * Output size of a sliding window (Conv/Pool); a symbolic input stays symbolic only
 * when size-preserving. In ceil mode the last window must start inside the input or
 * its begin padding (PyTorch's rule, which onnxruntime follows).
 */
export function windowDim(
  d: Dim,
  kernel: number,
  stride: number,
  pads: [number, number],
  dilation: number,
  ceil = false,
): Dim {
  const eff = dilation * (kernel - 1) + 1;
  const padSum = pads[0] + pads[1];
  if (typeof d !== 'number') return stride === 1 && padSum === eff - 1 ? d : null;
  const span = d + padSum - eff;
  if (span < 0) fail(`window of effective size ${eff} does not fit input dim ${d} with total padding ${padSum}`);
  let out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceil && (out - 1) * stride >= d + pads[0]) out -= 1;
  return out;
}

/**
 * Product of dims: a number if all concrete, else a monomial written as src/shape
 * writes it (coefficient first, symbols sorted: '8*batch*seq'); null if unknown.
 */
export function productDim(dims: Shape): Dim {
  const f = factors(dims);
  return f ? monomial(f.n, f.syms) : null;
}

/** Factors of a shape: a number and a multiset of symbols; null when a dim is unknown. */
export function factors(dims: readonly Dim[]): { n: number; syms: string[] } | null {
  let n = 1;
  const syms: string[] = [];
  for (const d of dims) {
    if (d === null) return null;
    if (typeof d === 'number') n *= d;
    else syms.push(d);
  }
  return { n, syms };
}

export function monomial(n: number, syms: readonly string[]): Dim {
  if (syms.length === 0) return n;
  const sorted = [...syms].sort();
  return n === 1 ? sorted.join('*') : [String(n), ...sorted].join('*');
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
