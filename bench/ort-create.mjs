// Prints the milliseconds onnxruntime takes to create a session of the model at argv[2] (one thread, as pruneguard
// does).
import { InferenceSession } from 'onnxruntime-node';
const start = performance.now();
const session = await InferenceSession.create(process.argv[2], { intraOpNumThreads: 1, interOpNumThreads: 1 });
console.log((performance.now() - start).toFixed(1));
await session.release();
