/** `pruneguard prune MODEL.onnx (--plan PLAN.json | --ratio R) -o OUT.onnx`: structured pruning with a report. */
import { rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { moveFileAtomic, stagingFolderFor } from '../../fs/write-atomic.js';
import { writeSessionFile, type SessionFile } from '../../runtime/session.js';
import { PruneguardError } from '../../errors.js';
import { checkOutput } from '../../fs/output.js';
import { readJsonFile } from '../../util/json-file.js';
import { loadModelFile } from '../../onnx/load.js';
import { externalDataPath, saveModelFile } from '../../onnx/save.js';
import { analyzeGroups } from '../../prune/groups.js';
import type { Plan } from '../../prune/plan.js';
import { ratioPlan } from '../../prune/plan-resolve.js';
import { formatInterfaceChange } from '../../prune/interface.js';
import { prune, type PruneReport } from '../../prune/prune.js';
import { verifyPrune, type PruneVerification } from '../../prune/verify-plan.js';
import { readRunInputs, RUN_INPUT_OPTIONS } from '../run-inputs.js';
import { renderVerify, verifyFeeds } from '../verify-render.js';
import { coverage, type Coverage } from '../../prune/coverage.js';
import type { GroupAnalysis } from '../../prune/groups.js';
import { defineCommand, EXIT } from '../command.js';
import { coverageLine, renderCoverage } from '../coverage-text.js';
import { opt } from '../options.js';

function render(input: string, output: string, report: PruneReport): string {
  const lines = [`${input} → ${output}`];
  for (const g of [...report.groups, ...report.heads]) {
    lines.push(
      `  ${report.heads.includes(g) ? 'heads   ' : 'channels'} ${g.id}: ${g.before} → ${g.after} (removed ` +
        `${g.removed.length})${g.maskExact ? '' : '  [not mask-exact]'}` +
        (g.rounded ? `  [roundTo ${g.rounded.roundTo}: the ratio asked to keep ${g.rounded.asked}]` : ''),
    );
  }
  for (const l of report.layers)
    lines.push(`  layer    ${l.name}: removed (${l.nodes} nodes; what read ${l.output} reads ${l.input})`);
  for (const c of report.interface) lines.push(`  interface: ${formatInterfaceChange(c)}`);
  if (report.nmReapplied.length) lines.push(`  2:4 pattern re-applied after slicing: ${report.nmReapplied.join(', ')}`);
  const pct = report.paramsBefore ? (100 * (report.paramsBefore - report.paramsAfter)) / report.paramsBefore : 0;
  lines.push(
    `parameters: ${report.paramsBefore.toLocaleString('en-US')} → ${report.paramsAfter.toLocaleString('en-US')} (-` +
      `${pct.toFixed(1)}%)`,
  );
  return lines.join('\n');
}

/** True when the pruned model differs from the dense one: channels, heads or masks. */
function changedAnything(report: PruneReport): boolean {
  return (
    report.layers.length +
      report.groups.length +
      report.heads.length +
      report.unstructured.length +
      report.nm.length +
      report.nmReapplied.length >
    0
  );
}

/** Why a plan removed nothing: no group can be pruned (with the top reasons), or the plan asks for nothing. */
function nothingReason(analysis: GroupAnalysis, cover: Coverage, ratioExactOnly: boolean): string {
  const open = analysis.groups.filter((g) => !g.blocked);
  const prunable = open.length;
  if (ratioExactOnly && prunable > 0 && open.every((g) => !g.maskExact))
    return (
      `none of the ${prunable} prunable group(s) is mask-exact (e.g. ${open[0].id}: ${open[0].inexact[0]}); ` +
      '--ratio prunes mask-exact groups only, --include-inexact prunes these too'
    );
  if (prunable > 0)
    return (
      `the plan removes nothing from the ${prunable} prunable group(s) ` +
      `(a ratio that rounds to zero channels removes none)`
    );
  const top = [
    ...cover.notAnalysedReasons.map((r) => ({ ...r, kind: 'not analysed' })),
    ...cover.blockedReasons.map((r) => ({ ...r, kind: 'blocked' })),
  ]
    .sort((a, b) => b.parameters - a.parameters)
    .slice(0, 3)
    .map((r) => `${r.kind}: ${r.reason} (${r.parameters.toLocaleString('en-US')} params)`);
  return `no group can be pruned${top.length ? `; ${top.join('; ')}` : ' (the model has no stored weights)'}`;
}

export const pruneCommand = defineCommand({
  name: 'prune',
  usage:
    'MODEL.onnx (--plan PLAN.json | --ratio R [--include-inexact]) ' +
    '-o OUT.onnx [--json] [--force] [--keep-interface] [--external-data] [--runtime-input NAME]... [--verify ' +
    '[--shape NAME=D0,...]... | --inputs FILE.npz]',
  description: `Removes channels (dependency groups: producers, consumers, residual partners,
normalisation parameters) and attention heads, then applies any unstructured and
N:M masks of the plan. --ratio R prunes every prunable mask-exact channel group by
R with L1 importance. See \`pruneguard inspect --json\` for the groups and attention units.
--verify judges each output by a tolerance derived from its precision (float16 as
float16) and magnitude, or, behind a discrete op (ArgMax, TopK indices, comparisons,
NonMaxSuppression, peak picking), by the share of elements that agree (>= 99%);
with groups that are not mask-exact, their deviation is information and the
mask-exact groups are verified alone.

The report ends with the coverage: the share of parameters in prunable groups,
in blocked groups, and not analysed, with the main reasons. When the plan would
change nothing (no prunable group, or a ratio that rounds to no channel), prune
says why and writes no output file (exit 1).`,
  exitCodes:
    '0 ok, 1 --verify failed (mask-exact groups deviate, or the pruned model does not run or has other output ' +
    'shapes), or nothing was pruned (no output written), 2 bad input (also: ' +
    'the dense model cannot run on the inputs), 3 internal error.',
  options: {
    plan: opt.path(
      'PLAN.json',
      'pruning plan ({"version":1,"channels":[...],"heads":[...],"unstructured":[...],"nm":[...],"guards":{...}})',
    ),
    ratio: opt.ratio('R', 'remove R (in [0,1)) of every prunable mask-exact channel group and attention unit', {
      zero: true,
    }),
    'include-inexact': opt.flag(
      'with --ratio, also groups that are not mask-exact (hidden dims under LayerNorm/RMSNorm, Softmax axes)',
    ),
    output: opt.path('OUT.onnx', 'where to write the pruned model (never the input; existing files need --force)', 'o'),
    force: opt.flag('overwrite an existing output file'),
    'external-data': opt.flag('write the tensors to OUT.onnx.data beside OUT (automatic when OUT would pass 2 GB)'),
    verify: opt.flag('run pruned and mask-oracle models in onnxruntime and judge every output'),
    ...RUN_INPUT_OPTIONS,
    'keep-interface': opt.flag('refuse to change any graph input or output (KV caches shrink with KV heads otherwise)'),
    'runtime-input': opt.repeated(
      'NAME',
      'an initializer listed as a graph input (old IR) that is fed at run time, so not a weight (repeatable; ' +
        'by default such initializers are weights)',
    ),
    json: opt.flag(
      'print the report as JSON on stdout (with "coverage": parameters prunable, blocked, not analysed, and why)',
    ),
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1)
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `expected one model file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`,
      );
    const input = positionals[0];
    const output = values.output;
    if (!output) throw new PruneguardError('E_BAD_ARGUMENT', 'missing -o OUT.onnx');
    if ((values.plan === undefined) === (values.ratio === undefined))
      throw new PruneguardError('E_BAD_ARGUMENT', 'give exactly one of --plan PLAN.json or --ratio R');
    const outputRule = {
      what: 'pruned model',
      inputs: [input, values.plan as string | undefined],
      force: !!values.force,
      forceHint: 'use --force',
    };
    checkOutput(output, outputRule);
    // The external-data file is an output too: checked now when asked for (past 2 GB it follows the model's rule).
    const dataRule = { ...outputRule, what: 'external data of the pruned model' };
    if (values['external-data']) checkOutput(externalDataPath(output), dataRule);
    if (values['include-inexact'] && values.ratio === undefined)
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        '--include-inexact goes with --ratio R (a plan names its groups itself)',
      );
    if (!values.verify && (values.shape.length || values.inputs))
      throw new PruneguardError('E_BAD_ARGUMENT', '--shape and --inputs go with --verify');
    const dense = loadModelFile(input, { runtimeInputs: values['runtime-input'] });
    const runInputs = await readRunInputs(values, dense, input);
    const keepInterface = values['keep-interface'] === true;
    const analysis = analyzeGroups(dense, { keepInterface });
    const cover = coverage(analysis, dense);
    const blocked = analysis.groups.filter((g) => g.blocked);
    // A plan read from JSON is passed as read: prune() validates it, every problem at once.
    const plan =
      values.ratio !== undefined
        ? ratioPlan(analysis, values.ratio, { includeInexact: values['include-inexact'] })
        : (readJsonFile(values.plan!, 'plan', 'E_BAD_PLAN') as Plan);
    let pruned: ReturnType<typeof prune> | undefined = prune(dense, plan, {
      source: values.plan ?? '--ratio plan',
      keepInterface,
      analysis,
    });
    const { report } = pruned;
    if (!changedAnything(report)) {
      // An unchanged copy written as if pruned would pass for a result: say why, write nothing.
      const reason = nothingReason(analysis, cover, values.ratio !== undefined && !values['include-inexact']);
      if (values.json)
        io.out(JSON.stringify({ input, output: null, plan, report, nothingPruned: reason, coverage: cover }, null, 2));
      else io.out(`${input}: nothing pruned, ${output} not written: ${reason}\n${renderCoverage(cover)}`);
      return EXIT.findings;
    }
    const externalData = values['external-data'] ? true : 'auto';
    const replaceData = () => !values['external-data'] || checkOutput(externalDataPath(output), dataRule).replace;
    let verified: PruneVerification | undefined;
    if (values.verify) {
      // Written into a folder of its own and moved into place only after verifying (a run that fails
      // on the way leaves no output that looks finished). The folder is one of pruneguard's
      // temporaries beside the output: the move is a rename on the same file system, and a run killed
      // with -9 leaves it for the next write to the same path to remove.
      const stage = stagingFolderFor(output, outputRule.what);
      let sessionFile: SessionFile | undefined;
      try {
        const staged = join(stage, basename(output));
        const written = saveModelFile(pruned.model, staged, { externalData });
        // And once more as onnxruntime reads it fastest (external data it maps, in shared memory when
        // there is room); then the pruned tensors are dropped, leaving room for the sessions.
        sessionFile = writeSessionFile(pruned.model);
        pruned = undefined;
        // The oracle covers structural removal; masks would show up as deviation, so verify without them.
        verified = await verifyPrune(dense, plan, verifyFeeds(dense, runInputs), {
          denseSource: input,
          denseFile: input,
          keepInterface,
          analysis,
          pruned: { model: { path: sessionFile.path }, report },
        });
        const { replace } = checkOutput(output, outputRule);
        if (written.externalData)
          moveFileAtomic(written.externalData, externalDataPath(output), {
            replace: replace && replaceData(),
            what: dataRule.what,
          });
        moveFileAtomic(staged, output, { replace, what: outputRule.what });
      } finally {
        sessionFile?.dispose();
        rmSync(stage, { recursive: true, force: true });
      }
    } else {
      // Written last: a run that fails on the way leaves no output that looks finished.
      const { replace } = checkOutput(output, outputRule);
      saveModelFile(pruned.model, output, { replace: replace && replaceData(), externalData });
    }
    const blockedSummary = blocked.map((g) => ({ id: g.id, reason: g.blocked! }));
    if (values.json)
      io.out(
        JSON.stringify(
          {
            input,
            output,
            plan,
            report,
            blocked: blockedSummary,
            coverage: cover,
            ...(verified ? { verify: verified } : {}),
          },
          null,
          2,
        ),
      );
    else {
      io.out(render(input, output, report));
      if (verified) io.out(renderVerify(verified));
      io.out(coverageLine(cover));
      // Groups the pruner would not touch are worth knowing: an unknown op blocks everything it reaches.
      if (blocked.length)
        io.out(
          `${blocked.length} group(s) not prunable, e.g. ${blockedSummary[0].id}: ${blockedSummary[0].reason} (see ` +
            `pruneguard inspect --json)`,
        );
    }
    // An inconclusive verify verified nothing: a pipeline that asked for --verify must not read it as a pass.
    return verified?.status === 'fail' || verified?.status === 'inconclusive' ? EXIT.findings : EXIT.ok;
  },
});
