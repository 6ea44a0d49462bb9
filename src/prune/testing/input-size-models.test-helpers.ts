/**
 * Small builder models for the default input sizes' tests: branches that need different lengths
 * (chosen by a fed value, or by the length itself), and a recurrent state whose unnamed dim is the batch.
 */
import { ifThenElse } from '../../ir/builder/control-flow.js';
import { BuilderCore, type Value } from '../../ir/builder/core.js';
import { reduceMean } from '../../ir/builder/reduce.js';
import { gather, shapeOf, unsqueeze } from '../../ir/builder/shape-ops.js';
import type { Model } from '../../ir/types.js';

function reflectPad(b: BuilderCore, x: Value, pad: number, name: string): Value {
  const pads = b.ints(name, 'pads', [0, pad, 0, pad]);
  return b.op('Pad', 'pad', [x, pads], 'float32', [x.shape[0], null], { mode: 'reflect' }, name);
}

/** Mean over the samples of x reflect-padded by `pad`: [batch, 1]; it runs only when samples > pad. */
function padThenMean(b: BuilderCore, x: Value, pad: number, name: string): Value {
  return reduceMean(b, reflectPad(b, x, pad, name), { axes: [1], keepdims: true });
}

function equals(b: BuilderCore, x: Value, value: number, name: string): Value {
  return b.op('Equal', 'equal', [x, b.scalar(name, 'value', value, 'int64')], 'bool', [], undefined, name);
}

/**
 * An audio model branching on its fed sample rate, as Silero VAD does: rate 16000 pads by
 * `pads[0]`, rate 8000 by `pads[1]`, any other rate by `pads[2]` (nested `If`s). By default every
 * rate but two runs at 5 samples; no rate runs at 3.
 */
export function sampleRateBranches(pads: [number, number, number] = [40, 40, 4]): Model {
  const b = new BuilderCore({ seed: 7, opset: 17 });
  const x = b.input('x', 'float32', ['batch', 'samples']);
  const rate = b.input('rate', 'int64', []);
  const y = ifThenElse(
    b,
    equals(b, rate, 16000, 'is_16k'),
    () => padThenMean(b, x, pads[0], 'pad_16k'),
    () =>
      ifThenElse(
        b,
        equals(b, rate, 8000, 'is_8k'),
        () => padThenMean(b, x, pads[1], 'pad_8k'),
        () => padThenMean(b, x, pads[2], 'pad_other'),
        { name: 'by_8k' },
      ),
    { name: 'by_16k' },
  );
  b.output(y, 'y');
  return b.build();
}

/**
 * A model branching on its own length: exactly 5 samples take a branch that reflect-pads by 32
 * (so 5 samples cannot run), any other length a plain mean (so 10 samples run).
 */
export function lengthBranch(): Model {
  const b = new BuilderCore({ seed: 8, opset: 17 });
  const x = b.input('x', 'float32', ['batch', 'samples']);
  const length = gather(b, shapeOf(b, x), 1, { name: 'length' });
  const y = ifThenElse(
    b,
    equals(b, length, 5, 'is_5'),
    () => padThenMean(b, x, 32, 'pad_32'),
    () => reduceMean(b, x, { axes: [1], keepdims: true }),
    { name: 'by_length' },
  );
  b.output(y, 'y');
  return b.build();
}

/**
 * An LSTM cell over x [batch, 4] whose state [2, ?, 3] (h and c stacked, the batch unnamed) is a
 * graph input, as Silero VAD v5 declares it; and `clip` [1, ?], reflect-padded by 16, whose unnamed
 * dim is a length. Outputs: the new state [2, batch, 3] and the clip's mean.
 */
export function recurrentState(): Model {
  const b = new BuilderCore({ seed: 9, opset: 17 });
  const x = b.input('x', 'float32', ['batch', 4]);
  const state = b.input('state', 'float32', [2, 'state_batch', 3]);
  const clip = b.input('clip', 'float32', [1, 'clip_length']);
  const h = unsqueeze(b, gather(b, state, 0, { name: 'h0' }), [0]);
  const c = unsqueeze(b, gather(b, state, 1, { name: 'c0' }), [0]);
  const w = b.weight('lstm', 'W', [1, 12, 4], { uniform: [-0.5, 0.5] });
  const r = b.weight('lstm', 'R', [1, 12, 3], { uniform: [-0.5, 0.5] });
  const outs = b.node('LSTM', [unsqueeze(b, x, [0]), w, r, '', '', h, c], {
    name: 'lstm',
    outputs: [
      [1, 1, 'batch', 3],
      [1, 'batch', 3],
      [1, 'batch', 3],
    ].map((shape) => ({ dtype: 'float32' as const, shape })),
    attrs: { hidden_size: 3 },
  });
  b.output(b.op('Concat', 'concat', [outs[1], outs[2]], 'float32', [2, 'batch', 3], { axis: 0 }, 'new_state'));
  b.output(padThenMean(b, clip, 16, 'clip_pad'), 'clip_mean');
  const m = b.build();
  // The builder names every free dim; exporters often leave these two unnamed.
  for (const input of m.graph.inputs)
    if (input.name !== 'x') input.shape = input.shape!.map((d) => (typeof d === 'string' ? null : d));
  return m;
}
