/**
 * Load + group analysis + structured pruning of 50% of every prunable channel
 * group + save, for the largest fixture, against onnxruntime session creation
 * from the same bytes in the same run (target: ratio <= 1).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { loadModel } from '../dist/onnx/load.js';
import { saveModel } from '../dist/onnx/save.js';
import { analyzeGroups } from '../dist/prune/groups.js';
import { ratioPlan } from '../dist/prune/plan-resolve.js';
import { prune } from '../dist/prune/prune.js';
import { entry, medianMs, type Benchmark } from './harness.js';

const fixtures = join(import.meta.dirname, '../fixtures/models');

const benchmark: Benchmark = {
  name: 'prune',
  async run() {
    const files = readdirSync(fixtures).filter((f) => f.endsWith('.onnx'));
    if (files.length === 0) return [];
    const name = files.sort((a, b) => statSync(join(fixtures, b)).size - statSync(join(fixtures, a)).size)[0];
    const bytes = new Uint8Array(readFileSync(join(fixtures, name)));
    const plan = ratioPlan(analyzeGroups(loadModel(bytes)), 0.5, { includeInexact: true });
    const pipeline = () => saveModel(prune(loadModel(bytes), plan).model);
    const ort = await medianMs(
      async () => {
        const s = await InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
        await s.release();
      },
      { warmup: 3, reps: 15 },
    );
    // Cold: the first runs in this process, as one `pruneguard prune` call sees them (the JIT has
    // not optimised the analysis yet). Warm: after 60 runs, as a property run or a long job sees them.
    const cold = await medianMs(pipeline, { warmup: 0, reps: 5 });
    const warm = await medianMs(pipeline, { warmup: 60, reps: 21 });
    const group = await medianMs(() => analyzeGroups(loadModel(bytes)), { warmup: 5, reps: 21 });
    return [
      entry(`load + group analysis ${name} (warm)`, group, 'ms'),
      entry(
        `load + group + prune 50% + save vs ort session create, ${name}, cold (first 5 runs)`,
        cold,
        'ms',
        ort,
        null,
      ),
      entry(`load + group + prune 50% + save vs ort session create, ${name}, warm`, warm, 'ms', ort, 1),
    ];
  },
};

export default benchmark;
