/**
 * A second external pruner (examples/typescript/tool-style.ts) that writes its result as real tools
 * do: nodes and tensors renamed, initializers reordered, opset and IR version raised, Constant nodes
 * as initializers, value_info dropped or re-added, tensors in an external-data file. Through the
 * file protocol it passes (no false finding from any of those), and each classic bug it can add is
 * caught. Each case spawns a process (node + tsx, seconds on a loaded machine): by default one short
 * passing run; PRUNEGUARD_TOOL_STYLE_TESTS=1 adds the attention run and the four bugs (minutes), and
 * PRUNEGUARD_RUNS raises the passing runs.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Family } from '../../arbitraries/graph.js';
import type { PlanConstraints } from '../../arbitraries/plan.js';
import { formatCounterexample } from '../counterexample.js';
import { runPruneProperty } from '../run-property.js';
import { checkStructure } from '../structure.js';
import { commandPruner } from './command-pruner.js';

const root = resolve(import.meta.dirname, '../../..');
const node = JSON.stringify(process.execPath).slice(1, -1);
const template = `"${node}" --import tsx examples/typescript/tool-style.ts {model} {plan} {out}`;
const passingRuns = Number(process.env.PRUNEGUARD_RUNS) || 2;
const deep = process.env.PRUNEGUARD_TOOL_STYLE_TESTS === '1';

function run(env: Record<string, string>, families: Family[], plans: PlanConstraints, runs: number, seed: number) {
  return runPruneProperty({
    name: 'tool-style',
    pruner: commandPruner(template, { cwd: root, env: { ...process.env, ...env } }),
    families,
    plans,
    runs,
    seed,
    shrink: false,
    check: (c) => checkStructure(c, { stopEarly: true, optimization: 'disabled', merge: true }),
    oracle: true,
    replay: (s, p) => `seed ${s} path ${p}`,
  });
}

describe('a pruner that writes models as real tools do', () => {
  const styles = [
    ['rename,reorder,opset,constants,external,value-info-drop', 'residual'],
    ['rename,reorder,opset,constants,value-info-add', 'attention'],
  ] as const;
  it.each(deep ? styles : styles.slice(0, 1))(
    '%s on %s graphs: no false finding',
    { timeout: 300_000 },
    async (style, family) => {
      const outcome = await run({ PRUNEGUARD_TOOL_STYLE: style }, [family], {}, passingRuns, 4);
      if (outcome.counterexample) expect.fail(formatCounterexample(outcome.counterexample));
      expect(outcome.cases).toBe(passingRuns);
    },
  );

  const channels: PlanConstraints = { parts: ['channels'], everyGroup: true };
  it.each([
    ['off-by-one', ['residual'], channels, ['mask-equivalence', 'shape-consistency']],
    ['forget-bias', ['residual'], channels, ['shape-consistency', 'no-silent-broadcast']],
    ['bn-stats', ['residual'], channels, ['mask-equivalence']],
    ['reshape', ['attention'], { parts: ['heads'], everyGroup: true }, ['shape-consistency']],
  ] as const)('the %s bug is caught', { timeout: 600_000, skip: !deep }, async (bug, families, plans, expected) => {
    const outcome = await run({ PRUNEGUARD_TOOL_BUG: bug }, [...families], plans, 20, 1);
    expect(outcome.counterexample, `the ${bug} bug passed ${outcome.cases} cases`).toBeDefined();
    const caughtBy = outcome.counterexample!.findings.map((f) => f.invariant);
    expect(
      caughtBy.some((i) => (expected as readonly string[]).includes(i)),
      caughtBy.join(','),
    ).toBe(true);
  });
});
