/**
 * Real trained models on real evaluation data (made by scripts/train_fixtures.py).
 * The script records what PyTorch measured; onnxruntime through our data
 * pipeline must agree, which checks the npz reader, batching, length grouping
 * and metrics end to end.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { feedsFromEvalSet } from '../analysis/latency.js';
import { latencyGate } from '../analysis/latency-gate.js';
import { compareSlices } from '../analysis/slices-gate.js';
import { fromNumbers } from '../ir/tensor.js';
import type { Model } from '../ir/types.js';
import { loadModelFile } from '../onnx/load.js';
import { evaluate } from './evaluate.js';
import { loadEvalSet } from './load.js';

const root = new URL('../../fixtures/', import.meta.url).pathname;
// biome-ignore lint/suspicious/noExplicitAny: recorded JSON expectations, read field by field
const json = (f: string): any => JSON.parse(readFileSync(root + f, 'utf8'));
/** One example may flip between PyTorch and onnxruntime kernels on a near-tie. */
const closeTo = (measured: number, recorded: number, n: number): void =>
  expect(Math.abs(measured - recorded)).toBeLessThanOrEqual(1 / n + 1e-4);

/**
 * Zeroes the `frac` lowest-L1 output channels of `layer` after its ReLU, as the
 * fixture script's analysis mask does: a Mul by a 0/1 channel mask is inserted
 * after the first Relu downstream of the layer's Conv (after the residual Add for conv3).
 */
function maskChannels(model: Model, layer: string, frac: number): Model {
  const w = model.graph.initializers.get(`${layer}.weight`)!;
  const n = w.dims[0];
  const per = w.data.length / n;
  const l1 = Array.from({ length: n }, (_, c) =>
    (w.data as Float32Array).subarray(c * per, (c + 1) * per).reduce((a, v) => a + Math.abs(v), 0),
  );
  const removed = [...l1.keys()].sort((a, b) => l1[a] - l1[b]).slice(0, Math.round(n * frac));
  const nodes = [...model.graph.nodes];
  let at = nodes.findIndex((x) => x.opType === 'Conv' && x.inputs[1] === `${layer}.weight`);
  while (nodes[at].opType !== 'Relu') at = nodes.findIndex((x) => x.inputs.includes(nodes[at].outputs[0]));
  const out = nodes[at].outputs[0];
  const masked = `${out}_masked`;
  for (const x of nodes) x.inputs = x.inputs.map((i) => (i === out ? masked : i));
  for (const o of model.graph.outputs) if (o.name === out) o.name = masked;
  nodes.splice(at + 1, 0, {
    name: `${layer}_mask`,
    opType: 'Mul',
    domain: '',
    inputs: [out, `${layer}.mask`],
    outputs: [masked],
    attributes: [],
  });
  const mask = fromNumbers(
    'float32',
    [1, n, 1, 1],
    Array.from({ length: n }, (_, c) => (removed.includes(c) ? 0 : 1)),
  );
  const initializers = new Map(model.graph.initializers).set(`${layer}.mask`, mask);
  return { ...model, graph: { ...model.graph, nodes, initializers } };
}

describe('fixture models on their evaluation data', () => {
  it(
    'digits CNN: accuracy per slice matches PyTorch; masking conv3 passes the aggregate and fails the rare ' + 'slice',
    async () => {
      const load = (): Model => loadModelFile(root + 'models/digits_cnn_op17.onnx');
      const model = load();
      const set = await loadEvalSet(root + 'data/digits_eval.npz', {
        inputNames: model.graph.inputs.map((i) => i.name),
      });
      const exp = json('data/digits_expectations.json');
      const n = exp.eval_examples;
      const dense = await evaluate(model, set, { batchSize: 128 });
      expect(dense.count).toBe(n);
      for (const [layer, frac] of [
        ['conv1', 0.5],
        ['conv3', 0.2],
      ] as const) {
        const pruned = await evaluate(maskChannels(load(), layer, frac), set, { batchSize: 128 });
        const r = compareSlices(dense, pruned, [{ name: 'rare_by_label', labels: [exp.rare_class] }]);
        console.log(
          `digits, dense → ${layer} masked ${frac * 100}%:\n` +
            r.verdicts
              .map(
                (v) =>
                  `  ${v.slice.padEnd(14)} n=${String(v.count).padStart(3)}  ${v.dense.toFixed(2)}% ` +
                  `→ ${v.pruned.toFixed(2)}%  ${v.pass ? 'pass' : 'FAIL'}`,
              )
              .join('\n'),
        );
        closeTo(r.dense.all.accuracy!, exp.dense.accuracy, n);
        closeTo(r.dense.rare.accuracy!, exp.dense.rare_recall, n);
        expect(r.dense.rare_by_label.accuracy).toBe(r.dense.rare.accuracy);
        expect(r.dense.all.perClassRecall![exp.rare_class]).toBe(r.dense.rare.accuracy);
        const m = exp.masked_lowest_l1[`${layer}@${frac}`];
        closeTo(r.pruned.all.accuracy!, m.accuracy, n);
        closeTo(r.pruned.rare.accuracy!, m.rare_recall, n);
        expect(r.findings.map((f) => f.where)).toEqual(
          r.verdicts.filter((v) => !v.pass).map((v) => `slice ${v.slice}`),
        );
        // The gate's verdict follows from the recorded PyTorch numbers, computed here, not pasted.
        const expectFail = (d: number, p: number): boolean => (d - p) * 100 > 2 + 1e-6;
        expect(r.verdicts.find((v) => v.slice === 'all')!.pass).toBe(!expectFail(exp.dense.accuracy, m.accuracy));
        expect(r.verdicts.find((v) => v.slice === 'rare')!.pass).toBe(
          !expectFail(exp.dense.rare_recall, m.rare_recall),
        );
      }
    },
  );

  it(
    'digits CNN: the latency gate times a masked (not removed) model at the production batch and at the claimed ' +
      'one (timings printed, never asserted: they belong to bench/)',
    async () => {
      const model = loadModelFile(root + 'models/digits_cnn_op17.onnx');
      const set = await loadEvalSet(root + 'data/digits_eval.npz', { inputNames: ['input'] });
      const r = await latencyGate({
        dense: model,
        pruned: maskChannels(loadModelFile(root + 'models/digits_cnn_op17.onnx'), 'conv2', 0.5),
        feeds: feedsFromEvalSet(set),
        productionBatchSizes: [1],
        claimedSpeedup: 2,
        claimedAtBatch: 64,
        requiredSpeedup: 1.5,
        warmup: 3,
        rounds: 15,
      });
      console.log(
        'digits latency, dense vs conv2 masked 50% (intra-op 1 thread):\n' +
          r.measurements
            .map(
              (m) =>
                `  batch ${m.batchSize}: ${m.dense.median.toFixed(3)} ms vs ${m.pruned.median.toFixed(3)} ms, ` +
                `speedup ${m.speedup.ratio.toFixed(2)}× [${m.speedup.lo.toFixed(2)}, ${m.speedup.hi.toFixed(2)}]`,
            )
            .join('\n') +
          `\n  findings: ${r.findings.map((f) => f.message).join('; ') || 'none'}`,
      );
      expect(r.measurements.map((m) => m.batchSize)).toEqual([1, 64]);
      expect(r.verdicts[0].batchSize).toBe(1);
    },
  );

  it(
    'long-range transformer: each example at its own length; removing the global head fails the long slice and ' +
      'passes the short one',
    async () => {
      const load = (): Model => loadModelFile(root + 'models/longrange_transformer_op17.onnx');
      const model = load();
      const set = await loadEvalSet(root + 'data/longrange_eval.npz', {
        inputNames: model.graph.inputs.map((i) => i.name),
      });
      expect(Object.keys(set.lengths)).toEqual(['input_ids']);
      const exp = json('data/longrange_expectations.json');
      const dense = await evaluate(model, set, { batchSize: 64 });
      const padded = await evaluate(model, { ...set, lengths: {} }, { batchSize: 64 });
      expect(Array.from(padded.outputs)).not.toEqual(Array.from(dense.outputs)); // padding would change the answers
      const lines = [
        `  dense (padding ignored, for contrast): ` +
          `all ${(compareSlices(padded, padded).dense.all.accuracy! * 100).toFixed(2)}%`,
      ];
      for (const [layer, head] of [
        [0, 3],
        [0, 0],
      ] as const) {
        const pruned = await evaluate(removeHead(load(), layer, head, exp.heads), set, { batchSize: 64 });
        const r = compareSlices(dense, pruned);
        lines.push(
          `  without layers.${layer}.head${head}: ` +
            r.verdicts
              .map((v) => `${v.slice} ${v.dense.toFixed(2)}% → ${v.pruned.toFixed(2)}% ${v.pass ? 'pass' : 'FAIL'}`)
              .join(', '),
        );
        const recorded = exp.accuracy[`without layers.${layer}.head${head}`];
        for (const sl of ['all', 'short', 'long']) {
          closeTo(r.dense[sl].accuracy!, exp.accuracy.dense[sl], set.count);
          closeTo(r.pruned[sl].accuracy!, recorded[sl], set.count);
          const fails = (exp.accuracy.dense[sl] - recorded[sl]) * 100 > 2 + 1e-6;
          expect(r.verdicts.find((v) => v.slice === sl)!.pass).toBe(!fails);
        }
      }
      console.log('longrange:\n' + lines.join('\n'));
    },
  );
});

/**
 * Removes attention head `head` of layer `layer` by zeroing its rows of the output
 * projection (the MatMul feeding `layers.<layer>.attn.o.bias`): the head's
 * attention output then contributes nothing, as the fixture script's head mask does.
 */
function removeHead(model: Model, layer: number, head: number, heads: number): Model {
  const add = model.graph.nodes.find((n) => n.opType === 'Add' && n.inputs.includes(`layers.${layer}.attn.o.bias`))!;
  const matmul = model.graph.nodes.find((n) => n.opType === 'MatMul' && add.inputs.includes(n.outputs[0]))!;
  const w = model.graph.initializers.get(matmul.inputs[1])!;
  const [rows, cols] = w.dims;
  const hd = rows / heads;
  const data = (w.data as Float32Array).slice();
  data.fill(0, head * hd * cols, (head + 1) * hd * cols);
  const initializers = new Map(model.graph.initializers).set(matmul.inputs[1], { ...w, data });
  return { ...model, graph: { ...model.graph, initializers } };
}
