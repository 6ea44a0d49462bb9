/**
 * One point of the linear-cost sweep, in its own process (so its peak RSS is its own):
 *   node --import tsx bench/sweep-worker.ts residual|transformer BLOCKS
 * prints {bytes, loadMs, inferMs, groupsMs, pruneMs, maxRssKb} as JSON.
 */
import { loadModel } from '../dist/onnx/load.js';
import { saveModel } from '../dist/onnx/save.js';
import { analyzeGroups } from '../dist/prune/groups.js';
import { ratioPlan } from '../dist/prune/plan-resolve.js';
import { prune } from '../dist/prune/prune.js';
import { inferShapes } from '../dist/shape/infer.js';
import { residualNet, transformerNet } from './models.js';

const [kind, blocksArg] = process.argv.slice(2);
const blocks = Number(blocksArg);
const bytes = saveModel((kind === 'residual' ? residualNet : transformerNet)(blocks));
const time = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const r = f();
  return [r, performance.now() - t];
};
const [model, loadMs] = time(() => loadModel(bytes));
const [, inferMs] = time(() => inferShapes(model));
const [analysis, groupsMs] = time(() => analyzeGroups(model));
const [, pruneMs] = time(() => prune(model, ratioPlan(analysis, 0.3)));
console.log(
  JSON.stringify({ bytes: bytes.length, loadMs, inferMs, groupsMs, pruneMs, maxRssKb: process.resourceUsage().maxRSS }),
);
