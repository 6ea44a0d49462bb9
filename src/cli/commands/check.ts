/**
 * `pruneguard check --dense D.onnx --pruned P.onnx [--plan] [--data] [--config] [--json] [--report]`: every gate, one
 * verdict per failure mode.
 */
import { existsSync } from 'node:fs';
import { loadEvalSet } from '../../data/load.js';
import { PruneguardError } from '../../errors.js';
import { readJsonFile } from '../../util/json-file.js';
import { loadModelFile } from '../../onnx/load.js';
import { checkOutput, writeOutput, type OutputRule } from '../../fs/output.js';
import { runCheck } from '../../gate/check.js';
import type { CheckConfig } from '../../gate/config.js';
import { loadConfigFile } from '../../gate/config-schema.js';
import { renderCheck } from '../../gate/render.js';
import { feedInputs } from '../../data/validate.js';
import { defineCommand, EXIT } from '../command.js';
import { opt } from '../options.js';
import { defaultSizes } from '../../prune/input-sizes.js';
import { readRunInputs, RUN_INPUT_OPTIONS } from '../run-inputs.js';

const REPORT_KIND = 'pruneguard-check-report';

/** An earlier `check --report` output: re-running a check may replace it without --force. */
function isCheckReport(path: string): boolean {
  try {
    return (readJsonFile(path, 'check report') as { kind?: unknown }).kind === REPORT_KIND;
  } catch {
    return false;
  }
}

/** Re-throws bad plan/data errors with their file named, so the one-line message says where the problem is. */
async function naming<T>(files: { plan?: string; data?: string; dense: string }, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    // Anything else about the input (an input too large to generate) concerns the models; the dense one is the
    // reference.
    const file =
      e instanceof PruneguardError
        ? e.code === 'E_BAD_PLAN'
          ? files.plan
          : e.code === 'E_BAD_DATA'
            ? files.data
            : e.code === 'E_BAD_ARGUMENT'
              ? files.dense
              : undefined
        : undefined;
    if (e instanceof PruneguardError && file && !e.message.includes(file))
      throw new PruneguardError(e.code, `${file}: ${e.message}`);
    throw e;
  }
}

/** The JSON report: plain data (typed arrays and Maps do not survive JSON.stringify as-is). */
function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_, v) =>
      ArrayBuffer.isView(v)
        ? Array.from(v as unknown as ArrayLike<number>)
        : v instanceof Map
          ? Object.fromEntries(v)
          : v,
    2,
  );
}

export const checkCommand = defineCommand({
  name: 'check',
  usage:
    '--dense D.onnx --pruned P.onnx [--plan PLAN.json] [--data EVAL.npz] [--config pruneguard.config.json] [--json] ' +
    '[--report REPORT.json] [--shape NAME=D0,...]... [--inputs FILE.npz]',
  description: `Runs, per failure mode:
  shape-mismatch            shape-consistency, no-silent-broadcast (always); mask-equivalence (with --plan)
  nm-nonconformance         nm-conformance (the plan's N:M tensors)
  accuracy-cliff            aggregate metric (with --data); monotone sensitivity budget (--plan and --data)
  slice-regression          every slice over its threshold (--data with slice_<name> arrays or config slices)
  hardware-headroom         latency at production batch sizes (config 'latency' section)
  quantization-compounding  calibration freshness (a QDQ pruned model, config quantization.floatModel, --data)
Thresholds, slices, batch sizes and caps come from the config (see docs/config.md).
If ./pruneguard.config.json exists it is used when --config is not given.
The structural invariants run on random inputs at sizes the graph accepts, at
--shape sizes, or on the sample inputs of --inputs; mask-equivalence judges each
output by a tolerance derived from its precision and magnitude (unless the config
sets structural.atol/rtol), or behind a discrete op by the share of agreeing elements.`,
  exitCodes: `0 every mode passes or is skipped, 1 findings, 2 bad input (missing or
unreadable file, data that does not match the model inputs, an empty slice, bad
config or plan), 3 internal error.`,
  options: {
    dense: opt.path('D.onnx', 'the dense (reference) model'),
    pruned: opt.path('P.onnx', 'the pruned model'),
    plan: opt.path('PLAN.json', 'the pruning plan that produced it'),
    data: opt.path('EVAL.npz', 'evaluation data (.npz, .npy or .json): inputs, labels, slice_<name>, <input>_lengths'),
    config: opt.path('FILE', 'pruneguard.config.json'),
    json: opt.flag('print the full report as JSON on stdout (instead of the text verdicts)'),
    report: opt.path(
      'REPORT.json',
      'also write the full report as JSON (atomically; never over an input; ' +
        'an existing file only if it is an earlier check report, or with --force)',
    ),
    force: opt.flag('let --report replace an existing file that is not a check report'),
    ...RUN_INPUT_OPTIONS,
  },
  async run({ values, positionals }, io) {
    if (positionals.length)
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `unexpected argument ${positionals.join(' ')} (models are given with --dense and --pruned)`,
      );
    const densePath = values.dense;
    const prunedPath = values.pruned;
    if (!densePath || !prunedPath)
      throw new PruneguardError('E_BAD_ARGUMENT', `missing ${!densePath ? '--dense D.onnx' : '--pruned P.onnx'}`);
    const report = values.report;
    const configPath = values.config ?? (existsSync('pruneguard.config.json') ? 'pruneguard.config.json' : undefined);
    const reportRule = (floatPath?: string): OutputRule => ({
      what: 'check report',
      inputs: [densePath, prunedPath, values.plan, values.data, configPath, floatPath],
      force: !!values.force,
      owned: isCheckReport,
      forceHint: 'use --force',
    });
    if (report) checkOutput(report, reportRule());
    const dense = loadModelFile(densePath);
    const pruned = loadModelFile(prunedPath);
    const loaded: CheckConfig = configPath ? loadConfigFile(configPath) : {};
    const runInputs = await readRunInputs(values, dense, densePath);
    // --shape fixes those inputs' sizes for the structural runs (two runs, free dims at two sizes).
    const config: CheckConfig = Object.keys(runInputs.fixed).length
      ? {
          ...loaded,
          structural: {
            ...loaded.structural,
            sizes: [defaultSizes(dense, 1, runInputs.fixed), defaultSizes(dense, 2, runInputs.fixed)],
          },
        }
      : loaded;
    const floatPath = config.quantization?.floatModel;
    const floatModel = floatPath ? loadModelFile(floatPath) : undefined;
    const plan = values.plan !== undefined ? readJsonFile(values.plan, 'plan', 'E_BAD_PLAN') : undefined;
    const dataPath = values.data;
    const data = dataPath
      ? await loadEvalSet(dataPath, { inputNames: feedInputs(dense).map((i) => i.name) })
      : undefined;
    const result = await naming({ plan: values.plan, data: dataPath, dense: densePath }, () =>
      runCheck({
        dense,
        pruned,
        plan,
        data,
        config,
        floatModel,
        feeds: runInputs.feeds ? [runInputs.feeds] : undefined,
        denseSource: densePath,
      }),
    );
    const header =
      `pruneguard ` +
      `check: ${densePath} → ${prunedPath}${dataPath ? ` on ${dataPath} (${data!.count} examples)` : ''}`;
    const json = toJson({
      kind: REPORT_KIND,
      dense: densePath,
      pruned: prunedPath,
      plan: values.plan,
      data: dataPath,
      config: configPath,
      ...result,
    });
    if (report) writeOutput(report, `${json}\n`, reportRule(floatPath));
    if (values.json) io.out(json);
    else io.out(`${renderCheck(result, header)}${report ? `\nreport: ${report}` : ''}`);
    return result.pass ? EXIT.ok : EXIT.findings;
  },
});
