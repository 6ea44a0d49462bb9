/**
 * Load + group analysis + structured pruning of 50% of every prunable channel
 * group + save, for the largest fixture, against onnxruntime session creation
 * from the same bytes in the same run (target: ratio <= 1).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { loadModel } from '../src/onnx/load.js';
import { saveModel } from '../src/onnx/save.js';
import { analyzeGroups } from '../src/prune/groups.js';
import { ratioPlan } from '../src/prune/plan-resolve.js';
import { prune } from '../src/prune/prune.js';
import { entry, medianMs, type Benchmark } from './harness.js';

const fixtures = join(import.meta.dirname, '../fixtures/models');

const benchmark: Benchmark = {
  name: 'prune',
  async run() {
    const files = readdirSync(fixtures).filter((f) => f.endsWith('.onnx'));
    if (files.length === 0) return [];
    const name = files.sort((a, b) => statSync(join(fixtures, b)).size - statSync(join(fixtures, a)).size)[0];
    const bytes = new Uint8Array(readFileSync(join(fixtures, name)));
    const reps = { warmup: 3, reps: 21 };
    const plan = ratioPlan(analyzeGroups(loadModel(bytes)), 0.5);
    const group = await medianMs(() => analyzeGroups(loadModel(bytes)), reps);
    const all = await medianMs(() => saveModel(prune(loadModel(bytes), plan).model), reps);
    const ort = await medianMs(async () => {
      const s = await InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
      await s.release();
    }, { warmup: 3, reps: 15 });
    return [
      entry(`load + group analysis ${name}`, group, 'ms'),
      entry(`load + group + prune 50% + save vs ort session create, ${name}`, all, 'ms', ort, 1),
    ];
  },
};

export default benchmark;
