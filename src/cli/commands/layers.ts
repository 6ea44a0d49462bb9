/**
 * `pruneguard layers MODEL.onnx`: the residual blocks a plan's `layers` can remove, ranked by block
 * influence measured on inputs (ShortGPT), and the plan that removes the least influential.
 */
import { PruneguardError } from '../../errors.js';
import { loadModelFile } from '../../onnx/load.js';
import { blockInfluence, leastInfluential, type BlockInfluence } from '../../prune/block-influence.js';
import { residualBlocks } from '../../prune/layers.js';
import { defineCommand, EXIT } from '../command.js';
import { opt } from '../options.js';
import { readRunInputs, RUN_INPUT_OPTIONS } from '../run-inputs.js';
import { verifyFeeds } from '../verify-render.js';

const NO_BLOCKS =
  'no removable residual block: layer removal needs nodes named under a block (/NAME/...) that hands one value ' +
  'on, the sum of the stream entering it and its own (post-norm blocks, whose output is normalised after the ' +
  'sum, are not removable so)';

export const layersCommand = defineCommand({
  name: 'layers',
  usage: 'MODEL.onnx [--remove N] [--inputs FILE.npz | --shape NAME=D0,D1,...] [--json]',
  description: `Finds the residual blocks of a model (by the exporter's node names, /NAME/...), runs
the model once on the inputs with every block's input and output exposed, and
ranks the blocks by block influence: 1 − mean cosine of the stream entering and
leaving the block (per token for a [batch, sequence, hidden] stream, per example
otherwise). A block near 0 changes little. With --remove N, prints the plan
removing the N least influential blocks that do not overlap ({"layers": [...]},
for prune --plan). Random inputs rank blocks on noise: pass real samples with --inputs.`,
  exitCodes: '0 ranked, 1 no removable block (the reason is printed), 2 bad input, 3 internal error.',
  options: {
    remove: opt.integer('N', 'also print the plan removing the N least influential blocks', { min: 1 }),
    ...RUN_INPUT_OPTIONS,
    json: opt.flag('print JSON on stdout: {model, inputs, blocks: [{name, input, output, nodes, influence}], plan}'),
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1)
      throw new PruneguardError('E_BAD_ARGUMENT', `expected one model file (see pruneguard layers --help)`);
    const path = positionals[0];
    const model = loadModelFile(path);
    const runInputs = await readRunInputs(values, model, path);
    const blocks = residualBlocks(model);
    if (!blocks.length) {
      if (values.json) io.out(JSON.stringify({ model: path, blocks: [], reason: NO_BLOCKS }, null, 2));
      else io.out(`${path}: ${NO_BLOCKS}`);
      return EXIT.findings;
    }
    const ranked = await blockInfluence(model, blocks, verifyFeeds(model, runInputs), path);
    const inputs = runInputs.inputsPath ?? 'random inputs (rank on real samples with --inputs)';
    const plan =
      values.remove === undefined
        ? undefined
        : { version: 1, layers: leastInfluential(ranked, values.remove).map((b) => ({ remove: b.name })) };
    if (values.json) {
      io.out(JSON.stringify({ model: path, inputs, blocks: ranked, ...(plan ? { plan } : {}) }, null, 2));
      return EXIT.ok;
    }
    io.out(render(path, inputs, ranked));
    if (plan) {
      if (plan.layers.length < values.remove!)
        io.out(`only ${plan.layers.length} block(s) do not overlap; the plan removes those`);
      io.out(`plan (prune --plan FILE): ${JSON.stringify(plan)}`);
    }
    return EXIT.ok;
  },
});

function render(path: string, inputs: string, ranked: readonly BlockInfluence[]): string {
  const w = Math.max(...ranked.map((b) => b.name.length));
  return [
    `${path}: ${ranked.length} removable residual block(s), least influential first ` +
      `(block influence = 1 − mean cosine of the stream in and out, per ${ranked[0].per}; on ${inputs}):`,
    ...ranked.map(
      (b) =>
        `  ${b.name.padEnd(w)}  ${b.influence.toFixed(4)}  (${b.nodes} nodes; ${b.output} ← ${b.input}; ` +
        `${b.samples} ${b.per}s)`,
    ),
  ].join('\n');
}
