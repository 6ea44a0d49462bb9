/** MaxPool, AveragePool, GlobalAveragePool. */
import type { BuilderCore, Value } from './core.js';
import { fail, fmtShape, requireRank, windowDim } from './dims.js';
import { pads, perAxis } from './conv.js';

export interface PoolOptions {
  kernel: number | number[];
  /** Default: equal to the kernel (as torch.nn.MaxPool2d). */
  stride?: number | number[];
  pad?: number | number[];
  ceilMode?: boolean;
  name?: string;
}

function pool(b: BuilderCore, opType: 'MaxPool' | 'AveragePool', kind: string, x: Value, o: PoolOptions): Value {
  const name = b.nodeName(kind, o.name);
  requireRank(`${opType} ${name}: input ${x.name}`, x.shape, 3, 5);
  const n = x.shape.length - 2;
  const k = perAxis(`${opType} ${name}: kernel`, o.kernel, n, 1);
  const s = perAxis(`${opType} ${name}: stride`, o.stride ?? k, n, 1);
  const p = pads(`${opType} ${name}: pad`, o.pad, n);
  const spatial = x.shape.slice(2).map((d, i) => {
    try {
      return windowDim(d, k[i], s[i], [p[i], p[i + n]], 1, o.ceilMode);
    } catch (e) {
      return fail(`${opType} ${name}: input ${x.name}${fmtShape(x.shape)}: ${(e as Error).message}`);
    }
  });
  return b.node(opType, [x], {
    name,
    outputs: [{ dtype: x.dtype, shape: [x.shape[0], x.shape[1], ...spatial] }],
    attrs: { kernel_shape: k, strides: s, pads: p, ceil_mode: o.ceilMode ? 1 : undefined },
  })[0];
}

export function maxPool(b: BuilderCore, x: Value, o: PoolOptions): Value {
  return pool(b, 'MaxPool', 'maxpool', x, o);
}

export function averagePool(b: BuilderCore, x: Value, o: PoolOptions): Value {
  return pool(b, 'AveragePool', 'avgpool', x, o);
}

export function globalAveragePool(b: BuilderCore, x: Value, o: { name?: string } = {}): Value {
  requireRank(`GlobalAveragePool: input ${x.name}`, x.shape, 3, 5);
  const shape = [x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)];
  return b.op('GlobalAveragePool', 'gap', [x], x.dtype, shape, undefined, o.name);
}
