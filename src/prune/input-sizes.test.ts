import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../onnx/load.js';
import { createSession, randomInputs, releaseSession, run } from '../runtime/index.js';
import { defaultSizes, sizeProblems } from './input-sizes.js';
import { fromNumbers } from '../ir/tensor.js';
import type { Graph } from '../ir/types.js';
import { intAttr, intsAttr, model, node, strAttr, vi } from '../runtime/tiny-models.test-helpers.js';
import { reflectPadAudio } from './testing/verify-models.test-helpers.js';
import type { Model } from '../ir/types.js';
import { lengthBranch, recurrentState, sampleRateBranches } from './testing/input-size-models.test-helpers.js';

/** Runs the model in onnxruntime at `sizes` (seeded random feeds); resolves to the error message, or 'ran'. */
async function runAt(m: Model, sizes: Record<string, number[]>): Promise<string> {
  const s = await createSession(m);
  try {
    await run(s, randomInputs(m, sizes, { seed: 1 }));
    return 'ran';
  } catch (e) {
    return (e as Error).message;
  } finally {
    await releaseSession(s);
  }
}

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
    // Time-major (a recurrent layer's layout 0): the dim named batch is the batch wherever it is.
    const timeMajor = model(
      [node('Relu', ['x'], ['y'])],
      [vi('x', 'float32', ['seq', 'batch', 6])],
      [vi('y', 'float32', ['seq', 'batch', 6])],
      {},
    );
    expect(defaultSizes(timeMajor)).toEqual({ x: [5, 2, 6] });
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

describe('sizes inside If branches: only the paths a run can take', () => {
  it('a branch chosen at run time: a size is ruled out only when every branch (nested too) refuses it', async () => {
    const m = sampleRateBranches();
    // 5 samples: the 16 kHz and 8 kHz front ends refuse them (pad 40), the other rates' accepts them (pad 4).
    expect(sizeProblems(m, { x: [2, 5], rate: [] })).toEqual([]);
    const none = sizeProblems(m, { x: [2, 3], rate: [] });
    expect(none.join('\n')).toMatch(/by_16k > then_branch > pad_16k: reflect Pad by 40/);
    expect(none.join('\n')).toMatch(/by_8k > else_branch > pad_other: reflect Pad by 4 needs axis 1 longer than 4/);
    expect(defaultSizes(m)).toEqual({ x: [2, 5], rate: [] });
    // Random rates are below 10: the third front end runs, at 5 samples, and not at 3.
    expect(await runAt(m, { x: [2, 5], rate: [] })).toBe('ran');
    expect(await runAt(m, { x: [2, 3], rate: [] })).toMatch(/Pad/);
  });

  it('a condition folded from the sizes: only the branch it takes counts', async () => {
    const m = lengthBranch();
    expect(sizeProblems(m, { x: [2, 5] }).join()).toMatch(/by_length > then_branch > pad_32: reflect Pad by 32/);
    expect(sizeProblems(m, { x: [2, 10] })).toEqual([]);
    expect(defaultSizes(m)).toEqual({ x: [2, 10] });
    expect(await runAt(m, { x: [2, 5] })).toMatch(/Pad/);
    expect(await runAt(m, { x: [2, 10] })).toBe('ran');
  });
});

describe('unnamed dims: batch or length by what the graph does with them', () => {
  it("a recurrent state's unnamed dim is the batch (its LSTM needs it so), a clip's is a length", async () => {
    const m = recurrentState();
    expect(sizeProblems(m, { x: [2, 4], state: [2, 5, 3], clip: [1, 20] }).join()).toMatch(
      /lstm: initial state .* needs batch 2/,
    );
    const sizes = defaultSizes(m);
    expect(sizes).toEqual({ x: [2, 4], state: [2, 2, 3], clip: [1, 20] });
    expect(defaultSizes(m, 2)).toMatchObject({ x: [4, 4], state: [2, 4, 3] });
    expect(await runAt(m, sizes)).toBe('ran');
    expect(await runAt(m, { ...sizes, state: [2, 5, 3] })).toMatch(/initial_h|batch/i);
  });
});

/**
 * A decoder step with a KV cache and a padding mask: keys = Concat(past, x) over past + seq positions,
 * and the mask [batch, total] is added to the scores over those keys. Exporters name the mask's length
 * anything ("past+seq", "total_sequence_length", "attention_mask_dim_1"): only the graph says it is a sum.
 */
function cachedStepWithMask(): Model {
  return model(
    [
      node('Concat', ['past', 'x'], ['keys'], [intAttr('axis', 1)]),
      node('Transpose', ['keys'], ['keysT'], [intsAttr('perm', [0, 2, 1])]),
      node('MatMul', ['x', 'keysT'], ['scores']),
      node('Unsqueeze', ['mask', 'axis1'], ['mask3']),
      node('Add', ['scores', 'mask3'], ['masked']),
      node('Softmax', ['masked'], ['y'], [intAttr('axis', -1)]),
    ],
    [
      vi('x', 'float32', ['batch', 'seq', 4]),
      vi('past', 'float32', ['batch', 'past', 4]),
      vi('mask', 'float32', ['batch', 'attention_mask_dim_1']),
    ],
    [vi('y', 'float32', ['batch', 'seq', 'attention_mask_dim_1'])],
    { axis1: fromNumbers('int64', [1], [1]) },
  );
}

describe('a length that is the sum of others (a mask over the cached and the new tokens)', () => {
  it('is sized past + seq because the graph accepts that and nothing smaller; onnxruntime runs there', async () => {
    const m = cachedStepWithMask();
    const sizes = defaultSizes(m);
    expect(sizes).toEqual({ x: [2, 5, 4], past: [2, 5, 4], mask: [2, 10] });
    expect(await runAt(m, sizes)).toBe('ran');
    // What the search replaced: every length at its own start, which the Add refuses.
    expect(await runAt(m, { x: [2, 5, 4], past: [2, 5, 4], mask: [2, 5] })).toMatch(/broadcast|Add/);
  });
});
