/** `pruneguard sensitivity MODEL.onnx --data EVAL.npz`: per-group sensitivity on real data, a plot, a budgeted plan. */
import { existsSync } from 'node:fs';
import type { SensitivityProfile } from '../../analysis/profile.js';
import { sensitivity } from '../../analysis/sensitivity.js';
import { formatProfile } from '../../analysis/sensitivity-format.js';
import { planForTarget } from '../../analysis/sensitivity-plan.js';
import { loadEvalSet } from '../../data/load.js';
import { feedInputs } from '../../data/validate.js';
import { PruneguardError } from '../../errors.js';
import { monotoneSensitivityBudget } from '../../invariants/monotone-sensitivity-budget.js';
import { loadModelFile } from '../../onnx/load.js';
import { writeFileAtomic } from '../../onnx/save.js';
import { sensitivityChart } from '../../plot/sensitivity-chart.js';
import type { Criterion, Plan } from '../../prune/plan.js';
import { EXIT, type Command } from '../command.js';
import { progressBar } from './sensitivity-progress.js';

const bad = (message: string) => new PruneguardError('E_BAD_ARGUMENT', message);

function parseRatios(raw: string): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  const ratios = parts.map(Number);
  const i = ratios.findIndex((r, k) => parts[k] === '' || !Number.isFinite(r) || r <= 0 || r >= 1);
  if (i >= 0) throw bad(`--ratios: every ratio must be a number in (0, 1), got '${parts[i]}'`);
  return ratios;
}

function parseTarget(raw: string): number {
  const t = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(t) || t <= 0 || t >= 1) throw bad(`--target must be a share in (0, 1), got '${raw}'`);
  return t;
}

export const sensitivityCommand: Command = {
  name: 'sensitivity',
  help: `Usage: pruneguard sensitivity MODEL.onnx --data EVAL.npz [--ratios 0.2,0.4] [--criterion l1|l2|random]
         [--batch N] [--heads [--per-head]] [--json OUT.json] [--plot OUT.svg] [--target 0.3 [--target-by params|flops] --plan-out PLAN.json] [--cache FILE] [--force]

For every prunable channel group, removes each ratio of its channels (lowest
importance first), evaluates on the data and records the metric drop: top-1
accuracy points with a 'labels' array, agreement with the dense predictions
without. Mask-exact groups are probed through gates on one warm onnxruntime
session; the others are pruned for real. Prints the profile, most sensitive first.

Options:
  --data EVAL.npz       evaluation data (.npz/.npy/.json): arrays named as the model inputs, optional labels
  --ratios R1,R2        shares to remove, each in (0,1) (default 0.2); sensitivity is the mean drop
  --criterion C         channel importance: l1 (default), l2, random
  --batch N             examples per run (default 1024)
  --aggregate           rate groups by the aggregate metric only (default when the data has slice_<name>
                        arrays: the worst drop over the aggregate and every slice, so a rare class counts)
  --heads               also probe attention units, a ratio of their heads at a time
  --per-head            also remove every head alone and report its drop (implies --heads)
  --json OUT.json       write the profile as JSON
  --plot OUT.svg        write the profile as a bar chart (SVG)
  --target T            allocate per-group ratios removing T of the model's parameters (monotone, capped)
  --target-by WHAT      what T is a share of: params (default) or flops (weight-op multiply-accumulates per example)
  --plan-out PLAN.json  with --target: write the plan (accepted by \`pruneguard prune --plan\`)
  --cache FILE          reuse and extend measured results (an interrupted sweep resumes)
  --force               overwrite existing --json/--plot/--plan-out files
  -h, --help            show this help

Exit codes: 0 ok, 2 bad input (missing files, data not matching the model, bad ratio, infeasible target), 3 internal error.`,
  options: {
    data: { type: 'string' },
    ratios: { type: 'string' },
    criterion: { type: 'string' },
    batch: { type: 'string' },
    heads: { type: 'boolean' },
    aggregate: { type: 'boolean' },
    'per-head': { type: 'boolean' },
    json: { type: 'string' },
    plot: { type: 'string' },
    target: { type: 'string' },
    'target-by': { type: 'string' },
    'plan-out': { type: 'string' },
    cache: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw bad(`expected one model file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
    const data = values.data as string | undefined;
    if (!data) throw bad('missing --data EVAL.npz');
    const ratios = values.ratios === undefined ? [0.2] : parseRatios(values.ratios as string);
    const criterion = (values.criterion ?? 'l1') as Criterion;
    if (!['l1', 'l2', 'random'].includes(criterion)) throw bad(`--criterion must be l1, l2 or random, got '${criterion}'`);
    const batch = values.batch === undefined ? undefined : Number(values.batch);
    if (batch !== undefined && !(Number.isSafeInteger(batch) && batch > 0)) throw bad(`--batch must be a positive integer, got '${values.batch}'`);
    const target = values.target === undefined ? undefined : parseTarget(values.target as string);
    const planOut = values['plan-out'] as string | undefined;
    if (planOut && target === undefined) throw bad('--plan-out needs --target');
    const by = (values['target-by'] ?? 'params') as 'params' | 'flops';
    if (by !== 'params' && by !== 'flops') throw bad(`--target-by must be params or flops, got '${String(values['target-by'])}'`);
    const outputs = [values.json, values.plot, planOut].filter((p): p is string => typeof p === 'string');
    for (const p of outputs) if (existsSync(p) && !values.force) throw new PruneguardError('E_OUTPUT_EXISTS', `${p} exists (use --force to overwrite)`);

    const model = loadModelFile(positionals[0]);
    const set = await loadEvalSet(data, { inputNames: feedInputs(model).map((i) => i.name) });
    const bar = progressBar();
    let profile: SensitivityProfile;
    try {
      profile = await sensitivity(model, set, { ratios, criterion, batchSize: batch, heads: values['per-head'] ? 'each' : !!values.heads, slices: !values.aggregate && Object.keys(set.slices).length > 0, cache: values.cache as string | undefined, onProgress: (p) => bar.update(p) });
    } finally {
      bar.done();
    }
    if (profile.entries.length === 0) throw new PruneguardError('E_PRUNE_BLOCKED', `${positionals[0]}: no prunable group to probe (see pruneguard inspect --json)`);
    const lines = [formatProfile(profile)];
    let plan: Plan | undefined;
    if (target !== undefined) {
      const found = planForTarget(model, profile, target, criterion, { by });
      plan = found.plan;
      const findings = monotoneSensitivityBudget({ profile, ratios: found.allocation.ratios });
      lines.push('', `budget: ${(target * 100).toFixed(1)}% of the model's ${by === 'flops' ? 'FLOPs' : 'parameters'} → the plan removes ${(found.removed * 100).toFixed(1)}% (measured by pruning; monotone gate: ${findings.length ? `${findings.length} finding(s)` : 'pass'})`);
      for (const [g, r] of Object.entries(found.allocation.ratios)) lines.push(`  ${g}: ${r}`);
      for (const f of findings) lines.push(`  ! ${f.message}`);
      if (planOut) { writeFileAtomic(planOut, `${JSON.stringify(plan, null, 2)}\n`); lines.push(`plan written to ${planOut}`); }
    }
    if (values.json) writeFileAtomic(values.json as string, `${JSON.stringify({ model: positionals[0], data, ...profile, ...(plan ? { plan } : {}) }, null, 2)}\n`);
    if (values.plot) writeFileAtomic(values.plot as string, sensitivityChart(profile));
    io.out(lines.join('\n'));
    return EXIT.ok;
  },
};
