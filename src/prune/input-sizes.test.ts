import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../onnx/load.js';
import { createSession, randomInputs, releaseSession, run } from '../runtime/index.js';
import { defaultSizes, sizeProblems } from './input-sizes.js';
import { fromNumbers } from '../ir/tensor.js';
import type { Graph } from '../ir/types.js';
import { model, node, strAttr, vi } from '../runtime/tiny-models.test-helpers.js';
import { reflectPadAudio } from './testing/verify-models.test-helpers.js';

describe('defaultSizes', () => {
  it(
    'grows a symbolic length until the graph accepts it (reflect Pad by 16 needs more than 16 samples), ' +
      'and onnxruntime runs there',
    async () => {
      const m = reflectPadAudio(16);
      expect(sizeProblems(m, { samples: [2, 1, 5] }).join()).toMatch(
        /reflect Pad by 16 needs axis 2 longer than 16, got 5/,
      );
      const sizes = defaultSizes(m);
      expect(sizes.samples[2]).toBeGreaterThan(16);
      expect(sizeProblems(m, sizes)).toEqual([]);
      const s = await createSession(m);
      try {
        const out = await run(s, randomInputs(m, sizes, { seed: 1 }));
        expect(out.logits.dims).toEqual([2, 2]);
      } finally {
        await releaseSession(s);
      }
    },
  );

  it('keeps declared dims and sizes the user fixed; small symbolic dims stay small when they fit', () => {
    expect(defaultSizes(loadModelFile('fixtures/models/resnet_tiny_op17.onnx'))).toEqual({ input: [2, 3, 32, 32] });
    expect(defaultSizes(loadModelFile('fixtures/models/bert_tiny_op17.onnx'), 2)).toEqual({ input_ids: [4, 9] });
    expect(defaultSizes(reflectPadAudio(16), 1, { samples: [1, 1, 8] })).toEqual({ samples: [1, 1, 8] });
  });
});

describe('sizeProblems inside control flow', () => {
  it('sees a reflect Pad inside an If branch (an audio front end chosen by sample rate)', () => {
    const pads = fromNumbers('int64', [4], [0, 0, 0, 16]);
    const branch = (name: string): Graph => ({
      name,
      nodes: [node('Pad', ['x', `${name}_pads`], [`${name}_y`], [strAttr('mode', 'reflect')])],
      inputs: [],
      outputs: [vi(`${name}_y`, 'float32', [null, null])],
      initializers: new Map([[`${name}_pads`, pads]]),
      valueInfo: [],
    });
    const m = model(
      [{ ...node('If', ['cond'], ['y']), subgraphs: { then_branch: branch('a'), else_branch: branch('b') } }],
      [vi('x', 'float32', ['batch', 'samples']), vi('cond', 'bool', [])],
      [vi('y', 'float32', [null, null])],
      {},
    );
    expect(sizeProblems(m, { x: [2, 5], cond: [] }).join()).toMatch(/reflect Pad by 16 needs axis 1 longer than 16/);
    expect(defaultSizes(m).x[1]).toBeGreaterThan(16);
  });
});
