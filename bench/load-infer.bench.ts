/**
 * Load + static shape inference of the largest fixture, against what onnxruntime
 * spends creating a session from the same bytes. Tests create many of both, so
 * ours should stay well under a session's cost (target: ratio <= 1).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { loadModel } from '../dist/onnx/load.js';
import { saveModel } from '../dist/onnx/save.js';
import { convModel } from '../src/runtime/tiny-models.test-helpers.js';
import { inferShapes } from '../dist/shape/infer.js';
import { entry, medianMs, type Benchmark } from './harness.js';

const fixtures = join(import.meta.dirname, '../fixtures/models');

function largestModel(): { name: string; bytes: Uint8Array } {
  let files: string[] = [];
  try {
    files = readdirSync(fixtures).filter((f) => f.endsWith('.onnx'));
  } catch {
    // no fixtures folder: fall back to a built model below
  }
  if (files.length === 0) return { name: 'tiny conv (built)', bytes: saveModel(convModel()) };
  const name = files.sort((a, b) => statSync(join(fixtures, b)).size - statSync(join(fixtures, a)).size)[0];
  return { name, bytes: new Uint8Array(readFileSync(join(fixtures, name))) };
}

const benchmark: Benchmark = {
  name: 'load-infer',
  async run() {
    const { name, bytes } = largestModel();
    const reps = { warmup: 5, reps: 31 };
    const load = await medianMs(() => loadModel(bytes), reps);
    const model = loadModel(bytes);
    const infer = await medianMs(() => inferShapes(model), reps);
    const both = await medianMs(() => inferShapes(loadModel(bytes)), reps);
    const ort = await medianMs(
      async () => {
        const s = await InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
        await s.release();
      },
      { warmup: 3, reps: 15 },
    );
    const kb = `${(bytes.length / 1024).toFixed(0)} KB`;
    return [
      entry(`load ${name} (${kb})`, load, 'ms'),
      entry(`inferShapes ${name}`, infer, 'ms'),
      entry(`load + inferShapes vs ort session create, ${name}`, both, 'ms', ort, 1),
    ];
  },
};

export default benchmark;
