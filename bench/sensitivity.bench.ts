/**
 * The sensitivity sweep on the digits CNN with its real evaluation data (every
 * prunable group × 9 ratios, plus the dense pass) against the same number of
 * forward passes of the dense model on one warm onnxruntime session, same
 * batch and thread settings (target: ratio <= 1.25). The sweep's time includes
 * everything: group analysis, gated model, session creations, data batching,
 * metrics. Runs are interleaved and medians reported; the sweep without prefix
 * reuse (every variant a full pass on the gated session) is shown for reference.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { sensitivity } from '../dist/analysis/sensitivity.js';
import { createOrtSession, prepareData } from '../dist/analysis/sensitivity-run.js';
import { loadEvalSet } from '../dist/data/load.js';
import { bindEvalSet } from '../dist/data/validate.js';
import { loadModelFile } from '../dist/onnx/load.js';
import { saveModel } from '../dist/onnx/save.js';
import { entry, median, type Benchmark } from './harness.js';

const root = join(import.meta.dirname, '..');
const modelPath = join(root, 'fixtures/models/digits_cnn_op17.onnx');
const dataPath = join(root, 'fixtures/data/digits_eval.npz');
const RATIOS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

const benchmark: Benchmark = {
  name: 'sensitivity',
  async run() {
    if (!existsSync(modelPath) || !existsSync(dataPath)) return [];
    const model = loadModelFile(modelPath);
    const set = await loadEvalSet(dataPath, { inputNames: ['input'] });
    const first = await sensitivity(model, set, { ratios: RATIOS });
    const passes = first.entries.length * RATIOS.length + 1;

    // Baseline: the dense model, one warm session, the same batches.
    const data = prepareData(bindEvalSet(set, model), 1024);
    const dense: InferenceSession = await createOrtSession(saveModel(model));
    const out = dense.outputNames[0];
    const forward = async () => {
      for (let i = 0; i < passes; i++) for (const b of data.batches) await dense.run(b.feeds, [out]);
    };
    for (let i = 0; i < 3; i++) await forward();

    const sweeps: number[] = [],
      bases: number[] = [],
      fulls: number[] = [],
      smalls: number[] = [],
      smallBases: number[] = [];
    const small = first.entries.length + 1;
    const forwardSmall = async () => {
      for (let i = 0; i < small; i++) for (const b of data.batches) await dense.run(b.feeds, [out]);
    };
    for (let rep = 0; rep < 9; rep++) {
      let t = performance.now();
      await forward();
      bases.push(performance.now() - t);
      t = performance.now();
      await sensitivity(model, set, { ratios: RATIOS });
      sweeps.push(performance.now() - t);
      t = performance.now();
      await sensitivity(model, set, { ratios: RATIOS, suffix: false });
      fulls.push(performance.now() - t);
      t = performance.now();
      await forwardSmall();
      smallBases.push(performance.now() - t);
      t = performance.now();
      await sensitivity(model, set);
      smalls.push(performance.now() - t);
    }
    await dense.release();
    const ratios = sweeps.map((s, i) => s / bases[i]);
    const e = entry(
      `sweep ${first.entries.length} groups × ${RATIOS.length} ratios (${passes} passes × ${set.count} examples) ` +
        `vs ${passes} warm dense passes`,
      median(sweeps),
      'ms',
      median(bases),
      1.25,
    );
    return [
      e,
      entry('sweep ÷ forward passes, median of the interleaved pairs', median(ratios), 'x', 1, 1.25),
      // Informational: every variant a full pass through the one gated session (what the gates alone cost).
      entry('same sweep without prefix reuse (full gated passes)', median(fulls), 'ms', median(bases)),
      // Informational: the default single ratio, where fixed costs (analysis, sessions) weigh most.
      entry(
        `default sweep, ratio 0.2 only (${small} passes) vs ${small} warm dense passes`,
        median(smalls),
        'ms',
        median(smallBases),
      ),
    ];
  },
};

export default benchmark;
