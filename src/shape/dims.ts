/**
 * Arithmetic on dims. A symbolic dim is a string; derived dims ("seq+seq" is written
 * "2*seq", "batch*seq", "seq-1") are integer polynomials over the symbols, so reshape
 * element counts cancel ([batch, seq*32] / [batch, 4] = "8*seq"). An answer that is not
 * an exact polynomial is null (unknown), never a guessed number.
 */
import type { Dim } from '../ir/types.js';

/** monomial key (sorted symbols joined by '*', '' for the constant) → coefficient. */
type Poly = Map<string, number>;

const OPERATOR = /[+\-*()]/;
const TERM = /^(-?\d+)?\*?(.*)$/;

/** A number or a plain symbol (no arithmetic inside). */
function isAtom(d: number | string): boolean {
  return typeof d === 'number' || !OPERATOR.test(d);
}

function parse(d: number | string): Poly | undefined {
  if (typeof d === 'number') return new Map([['', d]]);
  if (!OPERATOR.test(d)) return new Map([[d, 1]]);
  const poly: Poly = new Map();
  for (const raw of d.replace(/\s+/g, '').replace(/-/g, '+-').split('+')) {
    if (raw === '') continue;
    const m = TERM.exec(raw);
    if (!m) return undefined;
    let coef = m[1] !== undefined ? Number(m[1]) : 1;
    let rest = m[2];
    if (m[1] === undefined && rest.startsWith('-')) {
      coef = -1;
      rest = rest.slice(1);
    }
    const syms = rest === '' ? [] : rest.split('*');
    if (syms.some((s) => s === '' || OPERATOR.test(s) || /^\d/.test(s))) return undefined;
    const key = syms.sort().join('*');
    add(poly, key, coef);
  }
  return poly;
}

function add(p: Poly, key: string, coef: number): void {
  const v = (p.get(key) ?? 0) + coef;
  if (v === 0) p.delete(key);
  else p.set(key, v);
}

function format(p: Poly): Dim {
  if (p.size === 0) return 0;
  if (p.size === 1 && p.has('')) return p.get('')!;
  const keys = [...p.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : 1));
  let out = '';
  for (const k of keys) {
    const c = p.get(k)!;
    const mag = Math.abs(c);
    const body = k === '' ? String(mag) : mag === 1 ? k : `${mag}*${k}`;
    out += c < 0 ? `-${body}` : out === '' ? body : `+${body}`;
  }
  return out;
}

function mulMono(a: string, b: string): string {
  if (a === '') return b;
  if (b === '') return a;
  return [...a.split('*'), ...b.split('*')].sort().join('*');
}

/** Symbols of `whole` minus those of `part`, or undefined if `part` does not divide it. */
function divMono(whole: string, part: string): string | undefined {
  if (part === '') return whole;
  const left = whole === '' ? [] : whole.split('*');
  for (const s of part.split('*')) {
    const i = left.indexOf(s);
    if (i < 0) return undefined;
    left.splice(i, 1);
  }
  return left.join('*');
}

function binary(a: Dim, b: Dim, f: (x: Poly, y: Poly) => Poly | undefined): Dim {
  if (a === null || b === null) return null;
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  const r = f(x, y);
  return r ? format(r) : null;
}

export function addDims(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  return binary(a, b, (x, y) => {
    const r = new Map(x);
    for (const [k, c] of y) add(r, k, c);
    return r;
  });
}

export function subDims(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return binary(a, b, (x, y) => {
    const r = new Map(x);
    for (const [k, c] of y) add(r, k, -c);
    return r;
  });
}

export function mulDims(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (a === 0 || b === 0) return 0;
  if (a === 1) return b;
  if (b === 1) return a;
  return binary(a, b, (x, y) => {
    const r: Poly = new Map();
    for (const [ka, ca] of x) for (const [kb, cb] of y) add(r, mulMono(ka, kb), ca * cb);
    return r;
  });
}

/** Exact division; null when the quotient is not an integer polynomial (or unknown). */
export function divDims(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return b !== 0 && a % b === 0 ? a / b : null;
  if (b === 1) return a;
  if (a !== null && a === b) return 1;
  return binary(a, b, (x, y) => {
    if (y.size !== 1) return equalPoly(x, y) ? new Map([['', 1]]) : undefined;
    const [[kb, cb]] = [...y];
    if (cb === 0) return undefined;
    const r: Poly = new Map();
    for (const [ka, ca] of x) {
      const k = divMono(ka, kb);
      if (k === undefined || ca % cb !== 0) return undefined;
      add(r, k, ca / cb);
    }
    return r;
  });
}

function equalPoly(x: Poly, y: Poly): boolean {
  if (x.size !== y.size) return false;
  for (const [k, c] of x) if (y.get(k) !== c) return false;
  return true;
}

/** Product of dims (element count); null if any is unknown. */
export function productDims(dims: readonly Dim[]): Dim {
  let p: Dim = 1;
  for (const d of dims) {
    p = mulDims(p, d);
    if (p === null) return null;
  }
  return p;
}

/** True when both dims are certainly the same size (equal numbers, or equal polynomials). */
export function sameDim(a: Dim, b: Dim): boolean {
  if (a === null || b === null) return false;
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return false;
  if (isAtom(a) && isAtom(b)) return false;
  const x = parse(a);
  const y = parse(b);
  return !!x && !!y && equalPoly(x, y);
}

/** True when the dims are certainly different sizes (only provable for two numbers, or a constant difference). */
export function differentDims(a: Dim, b: Dim): boolean {
  if (a === null || b === null) return false;
  if (typeof a === 'number' && typeof b === 'number') return a !== b;
  // Two plain symbols (or a symbol and a number) may be equal at run time.
  if (isAtom(a) && isAtom(b)) return false;
  const d = subDims(a, b);
  return typeof d === 'number' && d !== 0;
}

/** Canonical form of a dim (parses and re-formats derived symbols). */
export function normalizeDim(d: Dim): Dim {
  if (typeof d !== 'string' || !OPERATOR.test(d)) return d;
  const p = parse(d);
  return p ? format(p) : d;
}

export { formatShape } from '../ir/format.js';
