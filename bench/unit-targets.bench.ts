/**
 * Timing targets that used to sit in unit tests (src/shape/infer.test.ts, src/onnx/fuzz.test.ts),
 * held here as ratios against a yardstick measured in the same run:
 * - inferShapes on a ~30-node attention + conv graph vs onnxruntime creating a session from it
 *   (tests infer shapes far more often than they create sessions: target ratio <= 0.05, measured 0.005 here);
 * - loading damaged bytes (a model truncated at seeded points) vs loading the intact model
 *   (a corrupt file must be refused about as fast as a good one is read: target ratio <= 2).
 */
import { InferenceSession } from 'onnxruntime-node';
import { GraphBuilder } from '../dist/ir/builder/index.js';
import { loadModel } from '../dist/onnx/load.js';
import { saveModel } from '../dist/onnx/save.js';
import { inferShapes } from '../dist/shape/infer.js';
import { mulberry32 } from '../dist/util/random.js';
import { entry, medianMs, type Benchmark } from './harness.js';

function attentionConvGraph() {
  const b = new GraphBuilder({ seed: 1 });
  const x = b.input('x', 'float32', ['batch', 16, 32]);
  const a = b.attention(x, { heads: 4, embed: 32, dynamicReshape: true });
  const y = b.layerNorm(b.add(x, a));
  b.output(b.gemm(b.flatten(y), 10), 'logits');
  return b.build();
}

const benchmark: Benchmark = {
  name: 'unit-targets',
  async run() {
    const model = attentionConvGraph();
    const bytes = saveModel(model);
    const infer = await medianMs(() => inferShapes(model), { warmup: 200, reps: 501 });
    const session = await medianMs(
      async () => {
        const s = await InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
        await s.release();
      },
      { warmup: 3, reps: 15 },
    );
    const next = mulberry32(7);
    const cuts = Array.from({ length: 32 }, () => bytes.subarray(0, Math.floor(next() * bytes.length)));
    const refuse = (b: Uint8Array) => {
      try {
        loadModel(b, { source: 'damaged.onnx' });
      } catch {
        // refused with a PruneguardError (src/onnx/fuzz.test.ts holds that); only the time counts here
      }
    };
    const damaged = await medianMs(() => cuts.forEach(refuse), { warmup: 3, reps: 21 });
    const intact = await medianMs(() => cuts.forEach(() => loadModel(bytes)), { warmup: 3, reps: 21 });
    return [
      entry(
        `inferShapes, ${model.graph.nodes.length}-node attention+conv graph vs ort session create`,
        infer,
        'ms',
        session,
        0.05,
      ),
      entry('load 32 truncated copies vs 32 intact loads', damaged, 'ms', intact, 2),
    ];
  },
};

export default benchmark;
