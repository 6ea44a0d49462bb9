/** Conv and ConvTranspose, with PyTorch weight layouts and names (`conv1.weight`, `conv1.bias`). */
import type { BuilderCore, Value } from './core.js';
import { concrete, fail, fmtShape, positiveInt, requireRank, windowDim, type Shape } from './dims.js';
import type { Dim } from '../types.js';

export interface ConvOptions {
  /** Kernel size per spatial axis, or one size for all (default 3). */
  kernel?: number | number[];
  stride?: number | number[];
  /** Symmetric padding per spatial axis, or explicit ONNX pads [begins..., ends...]. Default 0. */
  pad?: number | number[];
  dilation?: number | number[];
  group?: number;
  /** Add a bias input (default true). */
  bias?: boolean;
  name?: string;
}

export interface ConvTransposeOptions extends Omit<ConvOptions, 'dilation'> {
  outputPadding?: number | number[];
}

export function perAxis(what: string, v: number | number[] | undefined, n: number, dflt: number): number[] {
  if (v === undefined) return new Array<number>(n).fill(dflt);
  if (typeof v === 'number') return new Array<number>(n).fill(v);
  if (v.length !== n) fail(`${what}: expected ${n} values (one per spatial axis), got [${v.join(',')}]`);
  return [...v];
}

export function pads(what: string, v: number | number[] | undefined, n: number): number[] {
  if (Array.isArray(v) && v.length === 2 * n) return [...v];
  const p = perAxis(what, v, n, 0);
  return [...p, ...p];
}

/** Conv over NC(spatial...) input: `out` output channels. */
export function conv(b: BuilderCore, x: Value, out: number, o: ConvOptions = {}): Value {
  const name = b.nodeName('conv', o.name);
  requireRank(`conv ${name}: input ${x.name}`, x.shape, 3, 5);
  const n = x.shape.length - 2;
  const cin = concrete(`conv ${name}: input channels of ${x.name}`, x.shape, 1);
  const group = positiveInt(`conv ${name}: group`, o.group ?? 1);
  positiveInt(`conv ${name}: out channels`, out);
  if (cin % group !== 0 || out % group !== 0) {
    fail(`conv ${name}: group ${group} must divide input channels ${cin} and output channels ${out}`);
  }
  const k = perAxis(`conv ${name}: kernel`, o.kernel, n, 3);
  const s = perAxis(`conv ${name}: stride`, o.stride, n, 1);
  const d = perAxis(`conv ${name}: dilation`, o.dilation, n, 1);
  const p = pads(`conv ${name}: pad`, o.pad, n);
  [...k, ...s, ...d].forEach((v) => positiveInt(`conv ${name}: kernel/stride/dilation`, v));
  const spatial: Dim[] = x.shape.slice(2).map((dim, i) => {
    try {
      return windowDim(dim, k[i], s[i], [p[i], p[i + n]], d[i]);
    } catch (e) {
      return fail(`conv ${name}: input ${x.name}${fmtShape(x.shape)} spatial axis ${i}: ${(e as Error).message}`);
    }
  });
  const fanIn = (cin / group) * k.reduce((a, v) => a * v, 1);
  const w = b.weight(name, 'weight', [out, cin / group, ...k], { fanIn }, x.dtype);
  const inputs = [x, w];
  if (o.bias ?? true) inputs.push(b.weight(name, 'bias', [out], { fanIn }, x.dtype));
  const shape: Shape = [x.shape[0], out, ...spatial];
  return b.node('Conv', inputs, {
    name,
    outputs: [{ dtype: x.dtype, shape }],
    attrs: { dilations: d, group, kernel_shape: k, pads: p, strides: s },
  })[0];
}

/** ConvTranspose (weight [Cin, out/group, k...] as PyTorch stores it). */
export function convTranspose(b: BuilderCore, x: Value, out: number, o: ConvTransposeOptions = {}): Value {
  const name = b.nodeName('convt', o.name);
  requireRank(`convTranspose ${name}: input ${x.name}`, x.shape, 3, 5);
  const n = x.shape.length - 2;
  const cin = concrete(`convTranspose ${name}: input channels of ${x.name}`, x.shape, 1);
  const group = positiveInt(`convTranspose ${name}: group`, o.group ?? 1);
  if (cin % group !== 0 || out % group !== 0) {
    fail(`convTranspose ${name}: group ${group} must divide input channels ${cin} and output channels ${out}`);
  }
  const k = perAxis('kernel', o.kernel, n, 3);
  const s = perAxis('stride', o.stride, n, 1);
  const op = perAxis('outputPadding', o.outputPadding, n, 0);
  const p = pads('pad', o.pad, n);
  const spatial: Dim[] = x.shape
    .slice(2)
    .map((dim, i) =>
      typeof dim === 'number'
        ? s[i] * (dim - 1) + op[i] + k[i] - p[i] - p[i + n]
        : s[i] === 1 && k[i] - 1 === p[i] + p[i + n]
          ? dim
          : null,
    );
  const fanIn = (out / group) * k.reduce((a, v) => a * v, 1);
  const w = b.weight(name, 'weight', [cin, out / group, ...k], { fanIn }, x.dtype);
  const inputs = [x, w];
  if (o.bias ?? true) inputs.push(b.weight(name, 'bias', [out], { fanIn }, x.dtype));
  return b.node('ConvTranspose', inputs, {
    name,
    outputs: [{ dtype: x.dtype, shape: [x.shape[0], out, ...spatial] }],
    attrs: { group, kernel_shape: k, pads: p, strides: s, output_padding: op.some((v) => v) ? op : undefined },
  })[0];
}
