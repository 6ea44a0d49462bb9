import { describe, expect, it } from 'vitest';
import { fromNumbers, toNumbers } from '../ir/tensor.js';
import type { Tensor } from '../ir/types.js';
import { embeddingModel, intsAttr, intAttr, mlpModel, model, node, vi } from '../runtime/tiny-models.test-helpers.js';
import { evalSetFromArrays, type EvalSet } from './eval-set.js';
import { evaluate, type StreamBatch } from './evaluate.js';
import { evalSetFromJson } from './json.js';
import { bindEvalSet } from './validate.js';

/** Token rows padded with 0 to length 6; lengths vary so several groups form. */
function tokenSet(): EvalSet {
  const rows = [
    [1, 2, 3, 0, 0, 0],
    [4, 5, 6, 7, 8, 9],
    [2, 2, 0, 0, 0, 0],
    [9, 8, 7, 0, 0, 0],
    [3, 0, 0, 0, 0, 0],
    [5, 6, 0, 0, 0, 0],
    [1, 1, 1, 0, 0, 0],
  ];
  const lengths = [3, 6, 2, 3, 1, 2, 3];
  return evalSetFromArrays(
    new Map<string, Tensor>([
      ['tokens', fromNumbers('int64', [rows.length, 6], rows.flat())],
      ['tokens_lengths', fromNumbers('int64', [rows.length], lengths)],
      ['labels', fromNumbers('int64', [rows.length], [0, 1, 2, 3, 0, 1, 2])],
      [
        'slice_long',
        fromNumbers(
          'bool',
          [rows.length],
          lengths.map((l) => (l >= 3 ? 1 : 0)),
        ),
      ],
    ]),
    'tokens.npz',
  );
}

describe('evaluate', () => {
  it('evaluates each example at its own length: grouped batches = one example at a time', async () => {
    const m = embeddingModel();
    const set = tokenSet();
    const grouped = await evaluate(m, set, { batchSize: 2 });
    expect(grouped.count).toBe(7);
    expect(grouped.width).toBe(4);
    for (let i = 0; i < set.count; i++) {
      const len = set.lengths.tokens[i];
      const row = toNumbers(set.inputs.tokens).slice(i * 6, i * 6 + len);
      const alone = await evaluate(m, {
        ...set,
        count: 1,
        inputs: { tokens: fromNumbers('int64', [1, len], row) },
        lengths: {},
        labels: undefined,
        slices: {},
      });
      expect(Array.from(grouped.outputs.subarray(i * 4, i * 4 + 4))).toEqual(Array.from(alone.outputs));
    }
    // Teeth: ignoring the lengths (mean over padding) changes the answers.
    const padded = await evaluate(m, { ...set, lengths: {} });
    expect(Array.from(padded.outputs)).not.toEqual(Array.from(grouped.outputs));
    expect(grouped.slices.long).toEqual(Uint8Array.from([1, 1, 0, 1, 0, 0, 1]));
  });

  it('cuts inputs that share the symbolic sequence dim with the same lengths', async () => {
    const m = model(
      [
        node('Add', ['a', 'b'], ['s']),
        node('ReduceMean', ['s'], ['y'], [intsAttr('axes', [1]), intAttr('keepdims', 0)]),
      ],
      [vi('a', 'float32', ['batch', 'seq']), vi('b', 'float32', ['batch', 'seq'])],
      [vi('y', 'float32', ['batch'])],
      {},
    );
    const set = evalSetFromArrays(
      new Map<string, Tensor>([
        ['a', fromNumbers('float32', [2, 3], [1, 1, 100, 2, 2, 2])],
        ['b', fromNumbers('float32', [2, 3], [1, 1, 100, 2, 2, 2])],
        ['a_lengths', fromNumbers('int32', [2], [2, 3])],
      ]),
      'ab.npz',
    );
    expect(bindEvalSet(set, m).lengths.b).toBe(set.lengths.a);
    const r = await evaluate(m, set);
    expect(Array.from(r.outputs)).toEqual([2, 4]);
    expect(Array.from(r.predictions)).toEqual([1, 1]);
  });

  it('gives the same result from a stream of batches', async () => {
    const m = mlpModel();
    const x = fromNumbers(
      'float32',
      [5, 4],
      Array.from({ length: 20 }, (_, i) => Math.sin(i)),
    );
    const set = evalSetFromArrays(
      new Map([
        ['x', x],
        ['labels', fromNumbers('int32', [5], [0, 1, 2, 0, 1])],
      ]),
      'x.npz',
    );
    const whole = await evaluate(m, set, { batchSize: 2 });
    async function* stream(): AsyncIterable<StreamBatch> {
      yield {
        feeds: { x: fromNumbers('float32', [3, 4], toNumbers(x).slice(0, 12)) },
        labels: [0, 1, 2],
        slices: { s: [true, false, true] },
      };
      yield { feeds: { x: fromNumbers('float32', [2, 4], toNumbers(x).slice(12)) }, labels: [0, 1] };
    }
    const streamed = await evaluate(m, stream());
    expect(Array.from(streamed.outputs)).toEqual(Array.from(whole.outputs));
    expect(Array.from(streamed.predictions)).toEqual(Array.from(whole.predictions));
    expect(Array.from(streamed.labels!)).toEqual([0, 1, 2, 0, 1]);
    expect(Array.from(streamed.slices.s)).toEqual([1, 0, 1, 0, 0]);
    async function* wrong(): AsyncIterable<StreamBatch> {
      yield { feeds: { x: fromNumbers('float64', [1, 4], [1, 2, 3, 4]) } };
    }
    await expect(evaluate(m, wrong())).rejects.toThrow(
      "stream batch 0: evaluation data does not match the model:\n  - input 'x' has dtype float64, " +
        'the model expects float32',
    );
  });

  it('refuses labels outside the model classes', async () => {
    const set = evalSetFromArrays(
      new Map([
        ['x', fromNumbers('float32', [1, 4], [1, 2, 3, 4])],
        ['labels', fromNumbers('int32', [1], [3])],
      ]),
      'x.npz',
    );
    await expect(evaluate(mlpModel(), set)).rejects.toThrow(/label 3 of example 0 is outside the model's 3 classes/);
  });
});

describe('evaluation data validation', () => {
  const m = mlpModel();
  const arrays = (
    extra: [string, Tensor][] = [],
    x = fromNumbers('float32', [2, 4], [1, 2, 3, 4, 5, 6, 7, 8]),
  ): Map<string, Tensor> => new Map([['x', x], ...extra]);
  const bindError = (set: EvalSet): string => {
    try {
      bindEvalSet(set, m);
    } catch (e) {
      expect((e as { code: string }).code).toBe('E_BAD_DATA');
      return (e as Error).message;
    }
    throw new Error('expected E_BAD_DATA');
  };

  it('names the missing input, the expected and the received', () => {
    const msg = bindError(
      evalSetFromArrays(new Map([['X', fromNumbers('float32', [2, 4], new Array(8).fill(0))]]), 'd.npz'),
    );
    expect(msg).toContain('d.npz');
    expect(msg).toContain("missing input 'x' (data has X)");
    expect(msg).toContain('expected float32[batch,4], received absent');
    expect(msg).toContain("array 'X' matches no model input");
  });

  it('reports dtype and non-batch shape mismatches', () => {
    expect(
      bindError(evalSetFromArrays(arrays([], fromNumbers('float64', [2, 4], new Array(8).fill(0))), 'd.npz')),
    ).toContain("input 'x' has dtype float64, the model expects float32");
    expect(
      bindError(evalSetFromArrays(arrays([], fromNumbers('float32', [2, 5], new Array(10).fill(0))), 'd.npz')),
    ).toContain("input 'x' axis 1 is 5, the model expects 4 (expected float32[batch,4], received float32[2,5])");
    expect(
      bindError(evalSetFromArrays(arrays([], fromNumbers('float32', [2, 4, 1], new Array(8).fill(0))), 'd.npz')),
    ).toContain('rank 3, the model expects rank 2');
  });

  it('reports an empty slice and label count mismatches', () => {
    expect(bindError(evalSetFromArrays(arrays([['slice_rare', fromNumbers('bool', [2], [0, 0])]]), 'd.npz'))).toContain(
      "slice 'rare' is empty (0 of 2 examples)",
    );
    expect(() => evalSetFromArrays(arrays([['labels', fromNumbers('int64', [3], [0, 1, 2])]]), 'd.npz')).toThrow(
      "d.npz: 'labels' has 3 examples (shape [3]) but input 'x' has 2",
    );
    expect(() => evalSetFromArrays(arrays([['labels', fromNumbers('float32', [2], [0, 1.5])]]), 'd.npz')).toThrow(
      'element 1 is 1.5',
    );
    expect(() => evalSetFromArrays(arrays([['slice_a', fromNumbers('int32', [2], [0, 2])]]), 'd.npz')).toThrow(
      "'slice_a' must be bool or 0/1; element 1 is 2",
    );
  });

  it('reads the JSON form and casts untyped numbers to the model dtype', async () => {
    const set = evalSetFromJson(
      {
        inputs: {
          x: [
            [1, 2, 3, 4],
            [0, 0, 0, 1],
          ],
        },
        labels: [2, 0],
        slices: { first: [1, 0] },
      },
      'small.json',
      { inputNames: ['x'] },
    );
    const bound = bindEvalSet(set, m);
    expect(bound.inputs.x.dtype).toBe('float32');
    const r = await evaluate(m, set);
    expect(r.count).toBe(2);
    expect(Array.from(r.labels!)).toEqual([2, 0]);
    expect(() => evalSetFromJson({ inputs: { x: [[1, 2], [3]] } }, 'small.json')).toThrow(
      'small.json: inputs.x[1]: ragged array',
    );
    expect(() => evalSetFromJson({ input: {} }, 'small.json')).toThrow('unknown key(s) input');
  });
});

describe('length grouping (property)', () => {
  it('any lengths and batch size give the answers of evaluating each example alone', async () => {
    const fc = await import('fast-check');
    const { createSession, releaseSession } = await import('../runtime/index.js');
    const { saveModel } = await import('../onnx/save.js');
    const m = embeddingModel();
    const session = await createSession(m);
    const cache = new Map<string, number[]>();
    const alone = async (row: number[]): Promise<number[]> => {
      const key = row.join(',');
      if (!cache.has(key))
        cache.set(
          key,
          Array.from(
            (
              await evaluate(session, {
                source: 'one',
                count: 1,
                inputs: { tokens: fromNumbers('int64', [1, row.length], row) },
                slices: {},
                lengths: {},
              })
            ).outputs,
          ),
        );
      return cache.get(key)!;
    };
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 5 }), {
            minLength: 1,
            maxLength: 9,
          }),
          fc.integer({ min: 1, max: 4 }),
          async (rows, batchSize) => {
            const padded = rows.flatMap((r) => [...r, ...new Array(5 - r.length).fill(0)]);
            const set = evalSetFromArrays(
              new Map([
                ['tokens', fromNumbers('int64', [rows.length, 5], padded)],
                [
                  'tokens_lengths',
                  fromNumbers(
                    'int32',
                    [rows.length],
                    rows.map((r) => r.length),
                  ),
                ],
              ]),
              'prop.npz',
            );
            const r = await evaluate(session, set, { batchSize, model: m });
            for (let i = 0; i < rows.length; i++)
              expect(Array.from(r.outputs.subarray(i * 4, i * 4 + 4))).toEqual(await alone(rows[i]));
          },
        ),
        { numRuns: 40, seed: 42 },
      );
      // Bytes are accepted too (validated after decoding).
      expect((await evaluate(saveModel(m), tokenSet())).count).toBe(7);
    } finally {
      await releaseSession(session);
    }
  });
});
