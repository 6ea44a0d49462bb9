/**
 * CNN building blocks: conv → BN → activation, and the ResNet basic block whose
 * projection shortcut (1×1 conv + BN) is the classic "forgot the projection" site.
 */
import type { BuilderCore, Value } from './core.js';
import { concrete, fail, requireRank } from './dims.js';
import { relu, relu6 } from './activation.js';
import { conv, type ConvOptions } from './conv.js';
import { binary } from './elementwise.js';
import { batchNorm } from './norm.js';

export interface ConvBnActOptions extends Omit<ConvOptions, 'bias' | 'name'> {
  activation?: 'relu' | 'relu6' | 'none';
  name?: string;
}

/** Conv (no bias, as before BN) → BatchNorm → activation, named `${name}.conv`, `.bn`, `.act`. */
export function convBnAct(b: BuilderCore, x: Value, out: number, o: ConvBnActOptions = {}): Value {
  const name = b.nodeName('cbr', o.name);
  const { activation, name: _n, ...convOpts } = o;
  return b.scoped(name, () => {
    const y = batchNorm(
      b,
      conv(b, x, out, {
        pad: Math.floor(((typeof o.kernel === 'number' ? o.kernel : 3) - 1) / 2),
        ...convOpts,
        bias: false,
        name: 'conv',
      }),
      { name: 'bn' },
    );
    if (activation === 'none') return y;
    return activation === 'relu6' ? relu6(b, y, { name: 'act' }) : relu(b, y, { name: 'act' });
  });
}

export interface ResBlockOptions {
  stride?: number;
  /** 'auto' (default): a 1×1 conv + BN shortcut when stride or channels change; 'always'; 'never' (identity). */
  projection?: 'auto' | 'always' | 'never';
  name?: string;
}

/** ResNet basic block: conv3×3-BN-ReLU-conv3×3-BN + shortcut, then ReLU. */
export function resBlock(b: BuilderCore, x: Value, out: number, o: ResBlockOptions = {}): Value {
  const name = b.nodeName('res', o.name);
  requireRank(`resBlock ${name}: input ${x.name}`, x.shape, 4);
  const cin = concrete(`resBlock ${name}: channels of ${x.name}`, x.shape, 1);
  const stride = o.stride ?? 1;
  const needs = stride !== 1 || cin !== out;
  const project = o.projection === 'always' || (needs && (o.projection ?? 'auto') === 'auto');
  if (needs && o.projection === 'never')
    fail(`resBlock ${name}: identity shortcut impossible: ${cin} → ${out} channels, stride ${stride}`);
  return b.scoped(name, () => {
    const h = relu(b, batchNorm(b, conv(b, x, out, { stride, pad: 1, bias: false, name: 'conv1' }), { name: 'bn1' }), {
      name: 'relu1',
    });
    const y = batchNorm(b, conv(b, h, out, { pad: 1, bias: false, name: 'conv2' }), { name: 'bn2' });
    const shortcut = project
      ? batchNorm(b, conv(b, x, out, { kernel: 1, stride, bias: false, name: 'downsample_conv' }), {
          name: 'downsample_bn',
        })
      : x;
    return relu(b, binary(b, 'Add', y, shortcut, { name: 'add' }), { name: 'relu2' });
  });
}
