/**
 * The vitest form of `pruneguard fuzz` with the Python example pruner (examples/python): the
 * classic residual bug of prune_buggy.py is found and shrunk within 100 cases, and prune.py (the
 * same pruner fixed) passes 1,000. Opt-in (PRUNEGUARD_PYTHON_EXAMPLES=1: every case runs a Python
 * process, ~10 minutes for the 1,000), and skipped, saying why, when python3 cannot import onnx.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { commandPruner } from '../src/check/command/command-pruner.js';
import { formatCounterexample } from '../src/check/counterexample.js';
import { runPruneProperty } from '../src/check/run-property.js';
import { graphSize } from '../src/arbitraries/size.js';

// PRUNEGUARD_PYTHON, else the first of python3 on PATH and Debian's /usr/bin/python3 that imports onnx.
const CANDIDATES = process.env.PRUNEGUARD_PYTHON ? [process.env.PRUNEGUARD_PYTHON] : ['python3', '/usr/bin/python3'];

function canImportOnnx(python: string): boolean {
  try {
    execFileSync(python, ['-c', 'import onnx, numpy'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const optedIn = process.env.PRUNEGUARD_PYTHON_EXAMPLES === '1';
const PYTHON = optedIn ? CANDIDATES.find(canImportOnnx) : undefined;
const reason = !optedIn
  ? 'opt-in: set PRUNEGUARD_PYTHON_EXAMPLES=1'
  : PYTHON
    ? undefined
    : `none of ${CANDIDATES.join(', ')} imports onnx and numpy (Debian: apt-get install python3-onnx)`;
const fixedRuns = Number(process.env.PRUNEGUARD_RUNS) || 1000;
// What the examples support (they decline the rest): channel plans on residual CNNs.
const scope = { families: ['residual'] as const, plans: { parts: ['channels' as const] }, maxSkipsPerRun: 100 };

describe.skipIf(reason !== undefined)(
  `the Python example pruner under runPruneProperty${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    it('finds and shrinks the bug of prune_buggy.py within 100 cases', { timeout: 600_000 }, async () => {
      const started = Date.now();
      const outcome = await runPruneProperty({
        pruner: commandPruner(`${PYTHON} examples/python/prune_buggy.py {model} {plan} {out}`),
        ...scope,
        runs: 100,
        seed: 1,
      });
      const cx = outcome.counterexample;
      expect(cx, 'the residual bug was not found in 100 cases').toBeDefined();
      console.log(
        `[pruneguard] prune_buggy.py: caught after ${outcome.cases} cases (${outcome.declined} declined), ` +
          `shrunk to ${graphSize(cx!.case.dense).nodes} nodes in ${((Date.now() - started) / 1000).toFixed(1)} s\n` +
          formatCounterexample(cx!),
      );
      expect(outcome.cases).toBeLessThanOrEqual(100);
      expect(graphSize(cx!.case.dense).nodes).toBeLessThanOrEqual(8);
    });

    it(`prune.py passes ${fixedRuns} cases`, { timeout: 10_800_000 }, async () => {
      const started = Date.now();
      const outcome = await runPruneProperty({
        pruner: commandPruner(`${PYTHON} examples/python/prune.py {model} {plan} {out}`),
        ...scope,
        runs: fixedRuns,
        seed: 7,
      });
      console.log(
        `[pruneguard] prune.py: ${outcome.cases} cases (${outcome.skipped} skipped, ${outcome.declined} declined) ` +
          `in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      if (outcome.counterexample) expect.fail(formatCounterexample(outcome.counterexample));
      expect(outcome.cases).toBe(fixedRuns);
    });
  },
);
