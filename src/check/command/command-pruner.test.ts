/**
 * The file protocol end to end, with Node scripts as the external pruner: every way a command
 * can fail is a finding, a decline is counted, a correct pruner passes, a no-op is caught.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCounterexample } from '../counterexample.js';
import { caseRecipe, materialize, type MaterialCase } from '../prune-case.js';
import { runPruneProperty } from '../run-property.js';
import { checkStructure } from '../structure.js';
import { commandPruner } from './command-pruner.js';
import { PrunerDeclined, PrunerFailure } from './outcome.js';
import { tempDir } from '../../fs/temp-dir.test-helpers.js';

const root = resolve(import.meta.dirname, '../../..');
const scripts = tempDir('pruneguard-protocol-test-');
const node = JSON.stringify(process.execPath).slice(1, -1);
function script(name: string, body: string): string {
  const file = join(scripts, `${name}.mjs`);
  writeFileSync(
    file,
    `import { copyFileSync, writeFileSync } from 'node:fs';\nconst [model, plan, ` +
      `out] = process.argv.slice(2);\n${body}\n`,
  );
  return `"${node}" "${file}" {model} {plan} {out}`;
}

/** One generated residual case whose plan removes channels. */
function oneCase(): MaterialCase {
  for (const recipe of fc.sample(caseRecipe(['residual'], { parts: ['channels'] }), { seed: 5, numRuns: 20 })) {
    const m = materialize(recipe, { parts: ['channels'] });
    if (m.plan.channels?.length) return m;
  }
  throw new Error('no case with channels in 20 samples');
}

async function failureOf(
  template: string,
  timeoutSeconds?: number,
  tmpDir?: string,
): Promise<PrunerFailure | PrunerDeclined> {
  const m = oneCase();
  try {
    await commandPruner(template, { timeoutSeconds, tmpDir })(m.dense, m.plan);
  } catch (e) {
    if (e instanceof PrunerFailure || e instanceof PrunerDeclined) return e;
    throw e;
  }
  throw new Error('the command was expected to fail');
}

describe('commandPruner: what a command does wrong is a finding', () => {
  it('a non-zero exit, with the end of its stderr', async () => {
    const e = await failureOf(
      script(
        'crash',
        `process.stderr.write('Traceback...\\nIndexError: index 7 is out of bounds\\n'); process.exit(3);`,
      ),
    );
    expect(e).toBeInstanceOf(PrunerFailure);
    expect((e as PrunerFailure).finding).toMatchObject({ invariant: 'pruner-protocol', received: 3 });
    expect(e.message).toMatch(/exited with 3: Traceback\.\.\. \| IndexError: index 7 is out of bounds/);
  });
  it('no output written', async () => {
    expect((await failureOf(script('silent', ''))).message).toMatch(/exited 0 but wrote no model at .*pruned\.onnx/);
  });
  it('an output that is not a model', async () => {
    expect((await failureOf(script('garbage', `writeFileSync(out, 'not a model');`))).message).toMatch(
      /output is not a model .*not a valid ONNX model/,
    );
  });
  it('a timeout (the command is killed)', async () => {
    expect((await failureOf(script('sleeps', `await new Promise((r) => setTimeout(r, 20000));`), 0.5)).message).toMatch(
      /longer than 0.5 s and was killed/,
    );
  });
  it('a command that cannot start', async () => {
    expect((await failureOf('/nonexistent/pruner {model} {plan} {out}')).message).toMatch(
      /could not be started \(ENOENT/,
    );
  });
  it('exit 10 declines the case', async () => {
    const e = await failureOf(script('declines', `process.stderr.write('declined: heads\\n'); process.exit(10);`));
    expect(e).toBeInstanceOf(PrunerDeclined);
    expect(e.message).toMatch(/declined: heads/);
  });
  it('leaves no temporary folder behind', async () => {
    const parent = tempDir('pruneguard-protocol-cases-');
    await failureOf(
      script('writes-then-crashes', `writeFileSync(out, 'partial'); process.exit(1);`),
      undefined,
      parent,
    );
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe('runPruneProperty with a command pruner', () => {
  // Each case spawns a process: few cases, and no shrinking where only the catch matters.
  const run = (template: string, runs: number, more: { shrink?: boolean; maxSkipsPerRun?: number } = {}) =>
    runPruneProperty({
      ...more,
      name: 'command',
      pruner: commandPruner(template, { cwd: root }),
      families: ['residual'],
      plans: { parts: ['channels'] },
      runs,
      seed: 3,
      check: (c) => checkStructure(c, { stopEarly: true, optimization: 'disabled', merge: true }),
      oracle: true,
      replay: (s, p) => `seed ${s} path ${p}`,
    });

  it('counts declined cases and judges none of them', async () => {
    const outcome = await run(script('declines-all', 'process.exit(10);'), 2, { maxSkipsPerRun: 1 });
    expect(outcome.counterexample).toBeUndefined();
    expect(outcome.declined).toBeGreaterThan(0);
    expect(outcome.declined).toBe(outcome.skipped);
  });

  it('catches a pruner that returns the dense model unchanged (plan-fulfilled: a silent no-op)', async () => {
    const outcome = await run(script('no-op', 'copyFileSync(model, out);'), 5, { shrink: false });
    expect(outcome.counterexample, 'a no-op pruner passed').toBeDefined();
    expect(outcome.counterexample!.findings.map((f) => f.invariant)).toContain('plan-fulfilled');
    expect(formatCounterexample(outcome.counterexample!)).toMatch(/silent no-op/);
  });

  it("passes the TypeScript example pruner (pruneguard's own, behind the protocol)", async () => {
    const outcome = await run(`"${node}" --import tsx examples/typescript/prune.ts {model} {plan} {out}`, 2);
    if (outcome.counterexample) expect.fail(formatCounterexample(outcome.counterexample));
    expect(outcome.cases).toBe(2);
  });
});
