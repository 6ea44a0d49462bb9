/**
 * Sample inputs for a decoder step with a KV cache: the cache's axis 0 is not the batch when the cache
 * is stacked ([2, batch, ...], GPT-2) or merges batch and heads ([batch·heads, hd, past], Bloom), so it
 * must not be counted as examples (it was: "has 2 examples but input 'ids' has 3").
 */
import { describe, expect, it } from 'vitest';
import { fromNumbers } from '../ir/tensor.js';
import type { Dim } from '../ir/types.js';
import { model, node, vi } from '../runtime/tiny-models.test-helpers.js';
import { evalSetFromArrays } from './eval-set.js';
import { bindEvalSet, exampleInputs } from './validate.js';

const zeros = (dims: number[]) => fromNumbers('float32', dims, new Array(dims.reduce((a, b) => a * b, 1)).fill(0));

/** ids [batch, seq] and two caches whose axis 0 is something else; the graph just passes them on. */
function decoderStep(stackedAxis0: Dim, mergedAxis0: Dim) {
  return model(
    [
      node('Identity', ['stacked'], ['s_out']),
      node('Identity', ['merged'], ['m_out']),
      node('Identity', ['ids'], ['y']),
    ],
    [
      vi('ids', 'int64', ['batch', 'seq']),
      vi('stacked', 'float32', [stackedAxis0, 'batch', 'past', 4]),
      vi('merged', 'float32', [mergedAxis0, 4, 'past']),
    ],
    [vi('y', 'int64', ['batch', 'seq']), vi('s_out', 'float32', [2, 'batch', 'past', 4])],
    {},
  );
}

describe('which inputs count examples', () => {
  it('the inputs declaring the shared batch symbol; a cache with a literal or another symbol is fed whole', () => {
    const m = decoderStep(2, 'batch_x_heads');
    expect(exampleInputs(m)).toEqual(['ids']);
    const arrays = new Map([
      ['ids', fromNumbers('int64', [3, 5], new Array(15).fill(1))],
      ['stacked', zeros([2, 3, 7, 4])],
      ['merged', zeros([12, 4, 7])],
    ]);
    const set = bindEvalSet(evalSetFromArrays(arrays, 'd.npz', { exampleInputs: exampleInputs(m) }), m);
    expect(Object.keys(set.inputs)).toEqual(['ids', 'stacked', 'merged']);
    // Every input counted, as before: the stacked cache's 2 is not 3 examples.
    expect(() => evalSetFromArrays(arrays, 'd.npz')).toThrow(/input 'stacked' has 2 examples .* but input 'ids' has 3/);
  });

  it('literal axes 0 beside a batch symbol are not the batch; with no symbol at all every input counts', () => {
    expect(exampleInputs(decoderStep(2, 8))).toEqual(['ids']);
    const staticModel = model(
      [node('Identity', ['a'], ['y'])],
      [vi('a', 'float32', [1, 3])],
      [vi('y', 'float32', [1, 3])],
      {},
    );
    expect(exampleInputs(staticModel)).toEqual(['a']);
  });
});
