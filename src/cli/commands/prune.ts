/** `pruneguard prune MODEL.onnx (--plan PLAN.json | --ratio R) -o OUT.onnx`: structured pruning with a report. */
import { PruneguardError } from '../../errors.js';
import { checkOutput } from '../../fs/output.js';
import { readJsonFile } from '../../util/json-file.js';
import { loadModelFile } from '../../onnx/load.js';
import { externalDataPath, saveModelFile } from '../../onnx/save.js';
import { defaultFeeds } from '../../prune/feeds.js';
import { analyzeGroups } from '../../prune/groups.js';
import type { Plan } from '../../prune/plan.js';
import { ratioPlan } from '../../prune/plan-resolve.js';
import { formatInterfaceChange } from '../../prune/interface.js';
import { prune, type PruneReport } from '../../prune/prune.js';
import { structuredOnly, verify, type VerifyResult } from '../../prune/verify.js';
import { defineCommand, EXIT } from '../command.js';
import { opt } from '../options.js';


function render(input: string, output: string, report: PruneReport, verified?: VerifyResult): string {
  const lines = [`${input} → ${output}`];
  for (const g of [...report.groups, ...report.heads]) {
    lines.push(`  ${report.heads.includes(g) ? 'heads   ' : 'channels'} ${g.id}: ${g.before} → ${g.after} (removed ${g.removed.length})${g.maskExact ? '' : '  [not mask-exact]'}`);
  }
  for (const l of report.layers) lines.push(`  layer    ${l.name}: removed (${l.nodes} nodes; what read ${l.output} reads ${l.input})`);
  for (const c of report.interface) lines.push(`  interface: ${formatInterfaceChange(c)}`);
  if (report.nmReapplied.length) lines.push(`  2:4 pattern re-applied after slicing: ${report.nmReapplied.join(', ')}`);
  const pct = report.paramsBefore ? (100 * (report.paramsBefore - report.paramsAfter)) / report.paramsBefore : 0;
  lines.push(`parameters: ${report.paramsBefore.toLocaleString('en-US')} → ${report.paramsAfter.toLocaleString('en-US')} (-${pct.toFixed(1)}%)`);
  if (verified) {
    lines.push(`verify: max deviation from the mask oracle ${verified.maxDeviation.toExponential(2)} — ${verified.pass ? 'pass' : 'FAIL'}${verified.shapeMismatch ? ` (shape mismatch: ${verified.shapeMismatch})` : ''}`);
    for (const i of verified.inexact) lines.push(`  not mask-exact: ${i.group}: ${i.reasons.join('; ')}`);
  }
  return lines.join('\n');
}

export const pruneCommand = defineCommand({
  name: 'prune',
  usage: 'MODEL.onnx (--plan PLAN.json | --ratio R) -o OUT.onnx [--json] [--force] [--verify] [--keep-interface] [--external-data]',
  description: `Removes channels (dependency groups: producers, consumers, residual partners,
normalisation parameters) and attention heads, then applies any unstructured and
N:M masks of the plan. --ratio R prunes every prunable channel group by R with
L1 importance. See \`pruneguard inspect --json\` for the groups and attention units.`,
  exitCodes: '0 ok, 1 --verify found a deviation on mask-exact groups, 2 bad input, 3 internal error.',
  options: {
    plan: opt.path('PLAN.json', 'pruning plan ({"version":1,"channels":[...],"heads":[...],"unstructured":[...],"nm":[...],"guards":{...}})'),
    ratio: opt.ratio('R', 'remove R (in [0,1)) of every prunable channel group', { zero: true }),
    output: opt.path('OUT.onnx', 'where to write the pruned model (never the input; existing files need --force)', 'o'),
    force: opt.flag('overwrite an existing output file'),
    'external-data': opt.flag('write the tensors to OUT.onnx.data beside OUT (automatic when OUT would pass 2 GB)'),
    verify: opt.flag('run pruned and mask-oracle models in onnxruntime and report the max deviation'),
    'keep-interface': opt.flag('refuse to change any graph input or output (KV caches shrink with KV heads otherwise)'),
    json: opt.flag('print the report as JSON on stdout'),
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new PruneguardError('E_BAD_ARGUMENT', `expected one model file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
    const input = positionals[0];
    const output = values.output;
    if (!output) throw new PruneguardError('E_BAD_ARGUMENT', 'missing -o OUT.onnx');
    if ((values.plan === undefined) === (values.ratio === undefined)) throw new PruneguardError('E_BAD_ARGUMENT', 'give exactly one of --plan PLAN.json or --ratio R');
    const outputRule = { what: 'pruned model', inputs: [input, values.plan as string | undefined], force: !!values.force, forceHint: 'use --force' };
    checkOutput(output, outputRule);
    // The external-data file is an output too: checked now when asked for (past 2 GB it follows the model's rule).
    const dataRule = { ...outputRule, what: 'external data of the pruned model' };
    if (values['external-data']) checkOutput(externalDataPath(output), dataRule);
    const dense = loadModelFile(input);
    const keepInterface = values['keep-interface'] === true;
    const analysis = analyzeGroups(dense, { keepInterface });
    const blocked = analysis.groups.filter((g) => g.blocked);
    // A plan read from JSON is passed as read: prune() validates it, every problem at once.
    const plan = values.ratio !== undefined ? ratioPlan(analysis, values.ratio) : (readJsonFile(values.plan!, 'plan', 'E_BAD_PLAN') as Plan);
    const { model, report } = prune(dense, plan, { source: values.plan ?? '--ratio plan', keepInterface });
    let verified: VerifyResult | undefined;
    if (values.verify) {
      // The oracle covers structural removal; masks would show up as deviation, so verify without them.
      const p = plan as Plan;
      const structural = p.unstructured?.length || p.nm?.length ? prune(dense, structuredOnly(p), { keepInterface }).model : model;
      verified = await verify(dense, structural, p, [defaultFeeds(dense, 1), defaultFeeds(dense, 2, 2)]);
    }
    // Written last: a run that fails on the way leaves no output that looks finished.
    const { replace } = checkOutput(output, outputRule);
    const externalData = values['external-data'] ? true : 'auto';
    saveModelFile(model, output, { replace: replace && (!values['external-data'] || checkOutput(externalDataPath(output), dataRule).replace), externalData });
    const blockedSummary = blocked.map((g) => ({ id: g.id, reason: g.blocked! }));
    if (values.json) io.out(JSON.stringify({ input, output, plan, report, blocked: blockedSummary, ...(verified ? { verify: verified } : {}) }, null, 2));
    else {
      io.out(render(input, output, report, verified));
      // Groups the pruner would not touch are worth knowing: an unknown op blocks everything it reaches.
      if (blocked.length) io.out(`${blocked.length} group(s) not prunable, e.g. ${blockedSummary[0].id}: ${blockedSummary[0].reason} (see pruneguard inspect --json)`);
    }
    return verified && verified.exact && !verified.pass ? EXIT.findings : EXIT.ok;
  },
});
