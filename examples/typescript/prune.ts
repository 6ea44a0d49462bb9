/**
 * An external pruner in TypeScript, speaking pruneguard's file protocol:
 *   node --import tsx examples/typescript/prune.ts MODEL PLAN OUT
 * It prunes with pruneguard's own dependency-aware pruner (a stand-in for your pipeline: replace
 * `prune` with your code), declines (exit 10) plans it refuses, and fails loudly on anything else.
 * `PRUNEGUARD_EXAMPLE_BUG=forget-bias` makes it forget to slice Conv biases (a classic bug that
 * pruneguard fuzz catches: onnxruntime refuses the model).
 */
import { readFileSync } from 'node:fs';
import { isPruneguardError, loadModelFile, prune, saveModelFile } from '../../src/index.js';

const DECLINE = 10;
const [modelPath, planPath, outPath] = process.argv.slice(2);
const dense = loadModelFile(modelPath);
try {
  const { model } = prune(dense, JSON.parse(readFileSync(planPath, 'utf8')));
  if (process.env.PRUNEGUARD_EXAMPLE_BUG === 'forget-bias') {
    for (const node of model.graph.nodes.filter((n) => n.opType === 'Conv' && n.inputs[2])) {
      const before = dense.graph.initializers.get(node.inputs[2]);
      if (before && model.graph.initializers.has(node.inputs[2])) model.graph.initializers.set(node.inputs[2], before);
    }
  }
  saveModelFile(model, outPath);
} catch (e) {
  if (isPruneguardError(e) && (e.code === 'E_BAD_PLAN' || e.code === 'E_PRUNE_BLOCKED')) {
    process.stderr.write(`declined: ${e.message.split('\n')[0]}\n`);
    process.exit(DECLINE);
  }
  throw e;
}
