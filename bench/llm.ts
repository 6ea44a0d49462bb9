/**
 * The ≥ 1 B-parameter run (issue 12), opt-in: `npm run bench:llm` (not part of `npm test` or `npm run bench`).
 *
 * Builds a TinyLlama-shaped decoder (bench/llm-model.ts: 1.1 B parameters, float32, 4.4 GB of external
 * data; random weights, written to bench/models/, gitignored, never committed) in a child process,
 * then runs the CLI on it as whole processes, each measured with /usr/bin/time: `inspect --json`,
 * `prune --plan` (one KV head per layer + 25% of every MLP's channels) with external data, and the same
 * with `--verify`. Before verifying it checks that the dense model plus one onnxruntime session fit in
 * the free memory (sessions are made one at a time) and says so, skipping --verify, if they do not.
 * Prints the figures and writes them to bench/models/llm-figures.json.
 *   PRUNEGUARD_LLM_LAYERS=2 npm run bench:llm     a smaller decoder (same widths) for a quick check
 */
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { join } from 'node:path';
import { decoderParameters, LLAMA_1B, llamaDecoder } from './llm-model.js';
import { runProcess, type ProcessRun } from './process.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin/pruneguard.js');
const MODELS = join(import.meta.dirname, 'models');
const GB = 1024 ** 3;
const MB = 1024 ** 2;
const shape = { ...LLAMA_1B, layers: Number(process.env.PRUNEGUARD_LLM_LAYERS ?? LLAMA_1B.layers) };
const model = join(MODELS, `llama-${shape.layers}l.onnx`);

/** Child-process entry: build the decoder and save it with external data. */
async function build(): Promise<void> {
  const { saveModelFile } = await import('../dist/onnx/save.js');
  saveModelFile(llamaDecoder(shape), model, { externalData: true });
}

const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : 0);
const filesOf = (path: string) => ({ model: sizeOf(path), data: sizeOf(`${path}.data`) });

interface Figure {
  step: string;
  seconds: number;
  peakRssMb: number;
  budgetMb?: number;
  note?: string;
}

async function main(): Promise<void> {
  if (process.argv[2] === 'build') return build();
  mkdirSync(MODELS, { recursive: true });
  const figures: Figure[] = [];
  const node = process.execPath;
  if (!existsSync(model) || !existsSync(`${model}.data`)) {
    process.stderr.write(`building ${model} (${(decoderParameters(shape) / 1e9).toFixed(2)} B parameters) ...\n`);
    const r = runProcess([node, '--import', 'tsx', join(import.meta.dirname, 'llm.ts'), 'build']);
    figures.push({ step: 'build and save (builder, random weights)', seconds: r.seconds, peakRssMb: r.maxRssMb });
  }
  const dense = filesOf(model);
  const bytes = dense.model + dense.data;
  const budget = (factor: number) => (factor * bytes) / MB + 100;
  const measure = (step: string, argv: string[], factor: number): ProcessRun => {
    process.stderr.write(`${step} ...\n`);
    const r = runProcess([node, CLI, ...argv]);
    figures.push({ step, seconds: r.seconds, peakRssMb: r.maxRssMb, budgetMb: budget(factor) });
    return r;
  };

  const inspect = JSON.parse(measure('inspect --json', ['inspect', model, '--json'], 1.3).stdout);
  // One KV head per layer (the first of each attention unit: a KV head and its query group) and
  // 25% of every MLP's hidden channels (the gate/up/down group), by L1 importance.
  const plan = {
    version: 1,
    heads: inspect.attention.map((a: { id: string }) => ({ attention: a.id, remove: [0] })),
    channels: inspect.groups
      .filter((g: { id: string; blocked?: string }) => /\.mlp\./.test(g.id) && !g.blocked)
      .map((g: { id: string }) => ({ group: g.id, ratio: 0.25 })),
  };
  const planPath = join(MODELS, 'llm-plan.json');
  writeFileSync(planPath, JSON.stringify(plan, null, 2));
  const out = join(MODELS, 'llm-out');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out);

  const prunedPath = join(out, 'pruned.onnx');
  const pruneArgs = ['prune', model, '--plan', planPath, '--external-data', '--json', '-o'];
  const pruned = JSON.parse(measure('prune --plan (external data)', [...pruneArgs, prunedPath], 2).stdout);
  const prunedFiles = filesOf(prunedPath);

  // Sessions are created one at a time: the dense model in memory plus the larger session must fit.
  const need = 2 * bytes + 0.5 * GB;
  let verify: { status: string; maxDeviation: number } | undefined;
  if (freemem() < need) {
    const note =
      `not run: ${(freemem() / GB).toFixed(1)} GB free, ` +
      `the dense model plus one session need ~${(need / GB).toFixed(1)} GB`;
    figures.push({ step: 'prune --plan --verify', seconds: 0, peakRssMb: 0, note });
  } else {
    const r = measure('prune --plan --verify', [...pruneArgs, join(out, 'verified.onnx'), '--verify'], 2.5);
    verify = JSON.parse(r.stdout).verify;
    figures.at(-1)!.note = `verify ${verify?.status}, max deviation ${verify?.maxDeviation.toExponential(2)}`;
  }
  rmSync(out, { recursive: true, force: true });

  const report = {
    shape,
    parameters: { dense: pruned.report.paramsBefore, pruned: pruned.report.paramsAfter },
    files: { dense, pruned: prunedFiles },
    figures,
    verify,
  };
  writeFileSync(join(MODELS, 'llm-figures.json'), `${JSON.stringify(report, null, 2)}\n`);
  const fmtMb = (n: number) => `${(n / 1024).toFixed(2)} GB`;
  console.log(
    `decoder: ${shape.layers} layers d${shape.embed}, ${shape.heads}/${shape.kvHeads} heads, MLP ${shape.hidden}, ` +
      `${(pruned.report.paramsBefore / 1e9).toFixed(3)} B → ${(pruned.report.paramsAfter / 1e9).toFixed(3)} B ` +
      `parameters`,
  );
  console.log(
    `files: dense ${(dense.model / MB).toFixed(1)} MB + ${(dense.data / GB).toFixed(2)} GB data; ` +
      `pruned ${(prunedFiles.model / MB).toFixed(1)} MB + ${(prunedFiles.data / GB).toFixed(2)} GB data`,
  );
  for (const f of figures)
    console.log(
      `${f.step.padEnd(42)} ${f.seconds.toFixed(1).padStart(7)} s  peak ${fmtMb(f.peakRssMb).padStart(9)}` +
        (f.budgetMb ? `  (bound ${fmtMb(f.budgetMb)}, ${(f.peakRssMb / f.budgetMb).toFixed(2)}×)` : '') +
        (f.note ? `  ${f.note}` : ''),
    );
  rmSync(planPath, { force: true });
}

await main();
