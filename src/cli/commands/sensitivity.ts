/** `pruneguard sensitivity MODEL.onnx --data EVAL.npz`: per-group sensitivity on real data, a plot, a budgeted plan. */
import { resolve } from 'node:path';
import type { SensitivityProfile } from '../../analysis/profile.js';
import { sensitivity } from '../../analysis/sensitivity.js';
import { formatProfile } from '../../analysis/sensitivity-format.js';
import { planForTarget } from '../../analysis/sensitivity-plan.js';
import { loadEvalSet } from '../../data/load.js';
import { feedInputs } from '../../data/validate.js';
import { PruneguardError } from '../../errors.js';
import { monotoneSensitivityBudget } from '../../invariants/monotone-sensitivity-budget.js';
import { loadModelFile } from '../../onnx/load.js';
import { checkOutput, writeOutput, type OutputRule } from '../../fs/output.js';
import { fileCache } from '../../analysis/sensitivity-cache.js';
import { sensitivityChart } from '../../plot/sensitivity-chart.js';
import type { Plan } from '../../prune/plan.js';
import { defineCommand, EXIT } from '../command.js';
import { opt } from '../options.js';
import { progressBar } from './sensitivity-progress.js';

const bad = (message: string) => new PruneguardError('E_BAD_ARGUMENT', message);

export const sensitivityCommand = defineCommand({
  name: 'sensitivity',
  usage: `MODEL.onnx --data EVAL.npz [--ratios 0.2,0.4] [--criterion l1|l2|random]
         [--batch N] [--heads [--per-head]] [--json] [--report OUT.json] [--plot OUT.svg]
         [--target 0.3 [--target-by params|flops] --plan-out PLAN.json] [--cache FILE] [--force]`,
  description: `For every prunable channel group, removes each ratio of its channels (lowest
importance first), evaluates on the data and records the metric drop: top-1
accuracy points with a 'labels' array, agreement with the dense predictions
without. Mask-exact groups are probed through gates on one warm onnxruntime
session; the others are pruned for real. Prints the profile, most sensitive first.`,
  exitCodes:
    '0 ok, 2 bad input (missing files, data not matching the model, bad ratio, infeasible target), 3 internal error.',
  options: {
    data: opt.path('EVAL.npz', 'evaluation data (.npz/.npy/.json): arrays named as the model inputs, optional labels'),
    ratios: opt.ratios('R1,R2', 'shares to remove, each in (0,1); sensitivity is the mean drop', [0.2]),
    criterion: opt.choice(['l1', 'l2', 'random'], 'channel importance', 'l1'),
    batch: opt.integer('N', 'examples per run (default 1024)', { min: 1 }),
    aggregate: opt.flag(
      'rate groups by the aggregate metric only (by default, with slice_<name> arrays: ' +
        'the worst drop over the aggregate and every slice, so a rare class counts)',
    ),
    heads: opt.flag('also probe attention units, a ratio of their heads at a time'),
    'per-head': opt.flag('also remove every head alone and report its drop (implies --heads)'),
    json: opt.flag('print the profile (and the plan, with --target) as JSON on stdout'),
    report: opt.path('OUT.json', 'write the profile (and the plan, with --target) as JSON'),
    plot: opt.path('OUT.svg', 'write the profile as a bar chart (SVG)'),
    target: opt.ratio(
      'T',
      "allocate per-group ratios removing T (in (0,1)) of the model's parameters (monotone, capped)",
    ),
    'target-by': opt.choice(
      ['params', 'flops'],
      'what T is a share of: params or flops (weight-op multiply-accumulates per example)',
      'params',
    ),
    'plan-out': opt.path('PLAN.json', 'with --target: write the plan (accepted by `pruneguard prune --plan`)'),
    cache: opt.path(
      'FILE',
      'reuse and extend measured results (an interrupted sweep resumes); ' +
        'only a new file or an earlier pruneguard cache, never an input',
    ),
    force: opt.flag('overwrite existing --report/--plot/--plan-out files (never an input)'),
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1)
      throw bad(`expected one model file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
    const data = values.data;
    if (!data) throw bad('missing --data EVAL.npz');
    const { ratios, criterion, batch, target } = values;
    const planOut = values['plan-out'];
    if (planOut && target === undefined) throw bad('--plan-out needs --target');
    const by = values['target-by'];
    const cachePath = values.cache;
    const rule = (what: string): OutputRule => ({
      what,
      inputs: [positionals[0], data, cachePath],
      force: !!values.force,
      forceHint: 'use --force',
    });
    const outputs = [
      [values.report, 'sensitivity profile'],
      [values.plot, 'sensitivity plot'],
      [planOut, 'plan'],
    ].filter((o): o is [string, string] => typeof o[0] === 'string');
    const written = [...outputs.map(([p]) => p), ...(cachePath ? [cachePath] : [])];
    if (new Set(written.map((p) => resolve(p))).size < written.length)
      throw bad('--report, --plot, --plan-out and --cache must name different files');
    for (const [p, what] of outputs) checkOutput(p, rule(what));
    const cache = cachePath ? fileCache(cachePath, [positionals[0], data, ...outputs.map(([p]) => p)]) : undefined;

    const model = loadModelFile(positionals[0]);
    const set = await loadEvalSet(data, { inputNames: feedInputs(model).map((i) => i.name) });
    const bar = progressBar();
    let profile: SensitivityProfile;
    try {
      profile = await sensitivity(model, set, {
        ratios,
        criterion,
        batchSize: batch,
        heads: values['per-head'] ? 'each' : !!values.heads,
        slices: !values.aggregate && Object.keys(set.slices).length > 0,
        cache,
        source: positionals[0],
        onProgress: (p) => bar.update(p),
      });
    } catch (e) {
      // Data problems found while measuring (a label outside the classes) name the data file.
      if (e instanceof PruneguardError && e.code === 'E_BAD_DATA' && !e.message.includes(data))
        throw new PruneguardError(e.code, `${data}: ${e.message}`, { cause: e });
      throw e;
    } finally {
      bar.done();
    }
    if (profile.entries.length === 0)
      throw new PruneguardError(
        'E_PRUNE_BLOCKED',
        `${positionals[0]}: no prunable group to probe (see pruneguard inspect --json)`,
      );
    const lines = [formatProfile(profile)];
    let plan: Plan | undefined;
    if (target !== undefined) {
      const found = planForTarget(model, profile, target, criterion, { by });
      plan = found.plan;
      const findings = monotoneSensitivityBudget({ profile, ratios: found.allocation.ratios });
      lines.push(
        '',
        `budget: ${(target * 100).toFixed(1)}% of the model's ${by === 'flops' ? 'FLOPs' : 'parameters'} → the plan ` +
          `removes ${(found.removed * 100).toFixed(1)}% (measured by pruning; ` +
          `monotone gate: ${findings.length ? `${findings.length} finding(s)` : 'pass'})`,
      );
      for (const [g, r] of Object.entries(found.allocation.ratios)) lines.push(`  ${g}: ${r}`);
      for (const f of findings) lines.push(`  ! ${f.message}`);
      if (planOut) {
        writeOutput(planOut, `${JSON.stringify(plan, null, 2)}\n`, rule('plan'));
        lines.push(`plan written to ${planOut}`);
      }
    }
    const json = `${JSON.stringify({ model: positionals[0], data, ...profile, ...(plan ? { plan } : {}) }, null, 2)}\n`;
    if (values.report) writeOutput(values.report, json, rule('sensitivity profile'));
    if (values.plot) writeOutput(values.plot, sensitivityChart(profile), rule('sensitivity plot'));
    io.out(values.json ? json : lines.join('\n'));
    return EXIT.ok;
  },
});
