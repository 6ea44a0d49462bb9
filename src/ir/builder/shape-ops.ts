/** Layout ops: Flatten, Transpose, Concat, Split, Slice, Squeeze/Unsqueeze, Shape, Gather, Expand, Tile. */
import { fromNumbers } from '../tensor.js';
import type { Dim } from '../types.js';
import type { BuilderCore, Value } from './core.js';
import { broadcastShapes, fail, fmtShape, normAxis, productDim, requireRank } from './dims.js';

type Named = { name?: string };

export function flatten(b: BuilderCore, x: Value, o: Named & { axis?: number } = {}): Value {
  const axis = o.axis ?? 1;
  if (!Number.isInteger(axis) || axis < 0 || axis > x.shape.length)
    fail(`flatten on ${x.name}${fmtShape(x.shape)}: axis ${axis} out of range`);
  const shape = [productDim(x.shape.slice(0, axis)), productDim(x.shape.slice(axis))];
  return b.op('Flatten', 'flatten', [x], x.dtype, shape, { axis }, o.name);
}

export function transpose(b: BuilderCore, x: Value, perm?: number[], o: Named = {}): Value {
  const rank = x.shape.length;
  const p = perm ?? [...Array(rank).keys()].reverse();
  const sorted = [...p].sort((a, c) => a - c);
  if (p.length !== rank || sorted.some((v, i) => v !== i))
    fail(`transpose on ${x.name}${fmtShape(x.shape)}: perm [${p.join(',')}] is not a permutation of 0..${rank - 1}`);
  return b.op(
    'Transpose',
    'transpose',
    [x],
    x.dtype,
    p.map((i) => x.shape[i]),
    { perm: p },
    o.name,
  );
}

export function concat(b: BuilderCore, xs: readonly Value[], axis: number, o: Named = {}): Value {
  if (xs.length === 0) fail('concat: needs at least one input');
  const rank = xs[0].shape.length;
  const a = normAxis(axis, rank, `concat of ${xs.map((x) => x.name).join(', ')}`);
  for (const x of xs) {
    if (x.shape.length !== rank)
      fail(`concat: ranks differ: ${xs.map((v) => `${v.name}${fmtShape(v.shape)}`).join(', ')}`);
  }
  const shape: Dim[] = xs[0].shape.map((d, i) => {
    if (i === a)
      return xs.every((x) => typeof x.shape[i] === 'number')
        ? xs.reduce((s, x) => s + (x.shape[i] as number), 0)
        : null;
    const ds = xs.map((x) => x.shape[i]);
    if (ds.some((v) => typeof v === 'number' && typeof d === 'number' && v !== d))
      fail(`concat on axis ${a}: dim ${i} differs: ${xs.map((v) => `${v.name}${fmtShape(v.shape)}`).join(', ')}`);
    return ds.find((v) => typeof v === 'number') ?? d;
  });
  return b.op('Concat', 'concat', xs, xs[0].dtype, shape, { axis }, o.name);
}

/** Split along `axis` into `sizes`; sizes as attribute before opset 13, as an input from 13. */
export function split(b: BuilderCore, x: Value, o: Named & { axis: number; sizes: number[] }): Value[] {
  const name = b.nodeName('split', o.name);
  const a = normAxis(o.axis, x.shape.length, `split ${name} on ${x.name}`);
  const total = o.sizes.reduce((s, v) => s + v, 0);
  const d = x.shape[a];
  if (o.sizes.length < 2 || o.sizes.some((v) => !Number.isInteger(v) || v < 1))
    fail(`split ${name}: sizes must be >= 2 positive integers, got [${o.sizes.join(',')}]`);
  if (typeof d === 'number' && d !== total)
    fail(
      `split ${name}: sizes [${o.sizes.join(',')}] sum to ${total}, ` +
        `but axis ${a} of ${x.name}${fmtShape(x.shape)} is ${d}`,
    );
  const outputs = o.sizes.map((s) => ({ dtype: x.dtype, shape: x.shape.map((v, i) => (i === a ? s : v)) }));
  if (b.opset < 13) return b.node('Split', [x], { name, outputs, attrs: { axis: o.axis, split: o.sizes } });
  return b.node('Split', [x, b.ints(name, 'split', o.sizes)], { name, outputs, attrs: { axis: o.axis } });
}

function sliceDim(d: Dim, start: number, end: number, step: number): Dim {
  if (typeof d !== 'number') return start === 0 && step === 1 && end >= 2 ** 31 - 1 ? d : null;
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const s = step > 0 ? clamp(start < 0 ? start + d : start, 0, d) : clamp(start < 0 ? start + d : start, -1, d - 1);
  const e = step > 0 ? clamp(end < 0 ? end + d : end, 0, d) : clamp(end < 0 ? end + d : end, -1, d - 1);
  return Math.max(0, Math.ceil((e - s) / step));
}

/** Slice with starts/ends/axes/steps as int64 inputs (opset >= 10). */
export function slice(
  b: BuilderCore,
  x: Value,
  o: Named & { starts: number[]; ends: number[]; axes?: number[]; steps?: number[] },
): Value {
  const name = b.nodeName('slice', o.name);
  const axes = o.axes ?? o.starts.map((_, i) => i);
  const steps = o.steps ?? o.starts.map(() => 1);
  if (o.ends.length !== o.starts.length || axes.length !== o.starts.length || steps.length !== o.starts.length) {
    fail(
      `slice ${name}: starts [${o.starts}], ends [${o.ends}], axes [${axes}], steps [${steps}] must have equal lengths`,
    );
  }
  const shape = [...x.shape];
  axes.forEach((ax, i) => {
    const a = normAxis(ax, x.shape.length, `slice ${name} on ${x.name}`);
    if (steps[i] === 0) fail(`slice ${name}: step must not be 0`);
    shape[a] = sliceDim(x.shape[a], o.starts[i], o.ends[i], steps[i]);
  });
  const inputs = [x, b.ints(name, 'starts', o.starts), b.ints(name, 'ends', o.ends), b.ints(name, 'axes', axes)];
  if (o.steps) inputs.push(b.ints(name, 'steps', steps));
  return b.node('Slice', inputs, { name, outputs: [{ dtype: x.dtype, shape }] })[0];
}

/** Squeeze `axes` (size-1 axes); attribute before opset 13, input from 13. */
export function squeeze(b: BuilderCore, x: Value, axes: number[], o: Named = {}): Value {
  const name = b.nodeName('squeeze', o.name);
  const norm = axes.map((a) => normAxis(a, x.shape.length, `squeeze ${name} on ${x.name}`));
  for (const a of norm)
    if (x.shape[a] !== 1 && typeof x.shape[a] === 'number')
      fail(`squeeze ${name}: axis ${a} of ${x.name}${fmtShape(x.shape)} is not 1`);
  const shape = x.shape.filter((_, i) => !norm.includes(i));
  if (b.opset < 13) return b.node('Squeeze', [x], { name, outputs: [{ dtype: x.dtype, shape }], attrs: { axes } })[0];
  return b.node('Squeeze', [x, b.ints(name, 'axes', axes)], { name, outputs: [{ dtype: x.dtype, shape }] })[0];
}

/** Unsqueeze at `axes` (of the output); attribute before opset 13, input from 13. */
export function unsqueeze(b: BuilderCore, x: Value, axes: number[], o: Named = {}): Value {
  const name = b.nodeName('unsqueeze', o.name);
  const rank = x.shape.length + axes.length;
  const norm = axes.map((a) => normAxis(a, rank, `unsqueeze ${name} on ${x.name}`));
  const rest = [...x.shape];
  const shape = [...Array(rank).keys()].map((i) => (norm.includes(i) ? 1 : rest.shift()!));
  if (b.opset < 13) return b.node('Unsqueeze', [x], { name, outputs: [{ dtype: x.dtype, shape }], attrs: { axes } })[0];
  return b.node('Unsqueeze', [x, b.ints(name, 'axes', axes)], { name, outputs: [{ dtype: x.dtype, shape }] })[0];
}

export function shapeOf(b: BuilderCore, x: Value, o: Named = {}): Value {
  return b.op('Shape', 'shape', [x], 'int64', [x.shape.length], undefined, o.name);
}

/** Gather with a constant scalar index (drops `axis`), as exporters read one dim of a Shape. */
export function gather(b: BuilderCore, x: Value, index: number, o: Named & { axis?: number } = {}): Value {
  const name = b.nodeName('gather', o.name);
  const a = normAxis(o.axis ?? 0, x.shape.length, `gather ${name} on ${x.name}`);
  const idx = b.ownedConstant(name, 'index', fromNumbers('int64', [], [index]));
  const shape = x.shape.filter((_, i) => i !== a);
  return b.node('Gather', [x, idx], { name, outputs: [{ dtype: x.dtype, shape }], attrs: { axis: a } })[0];
}

/** Expand to a broadcast of x's shape with `shape` (constant). */
export function expand(b: BuilderCore, x: Value, shape: number[], o: Named = {}): Value {
  const name = b.nodeName('expand', o.name);
  const out = broadcastShapes(`expand ${name}: ${x.name}${fmtShape(x.shape)} to [${shape.join(',')}]`, x.shape, shape);
  return b.node('Expand', [x, b.ints(name, 'shape', shape)], { name, outputs: [{ dtype: x.dtype, shape: out }] })[0];
}

export function tile(b: BuilderCore, x: Value, repeats: number[], o: Named = {}): Value {
  const name = b.nodeName('tile', o.name);
  requireRank(`tile ${name}: input ${x.name} (one repeat per axis: [${repeats.join(',')}])`, x.shape, repeats.length);
  const shape = x.shape.map((d, i) => (repeats[i] === 1 ? d : typeof d === 'number' ? d * repeats[i] : null));
  return b.node('Tile', [x, b.ints(name, 'repeats', repeats)], { name, outputs: [{ dtype: x.dtype, shape }] })[0];
}
