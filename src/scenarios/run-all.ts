/** Discovers and runs every scenario of a project, optionally one shard of them. */
import { join } from 'node:path';
import { PruneguardError } from '../errors.js';
import { discoverScenarios } from './discover.js';
import { withGolden } from './golden-check.js';
import { runScenario, type ScenarioResult } from './run.js';

export interface Shard {
  index: number;
  count: number;
}

/** Parses "i/n" (1-based). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && index >= 1 && index <= count))
    throw new PruneguardError('E_BAD_ARGUMENT', `--shard must be i/n with 1 ≤ i ≤ n, got '${text}'`);
  return { index, count };
}

/** Round-robin over the sorted list, like vitest's file sharding: every item lands in exactly one shard. */
export function inShard<T>(items: readonly T[], shard?: Shard): T[] {
  return shard ? items.filter((_, i) => i % shard.count === shard.index - 1) : [...items];
}

export interface RunAllOptions {
  root: string;
  dir?: string;
  only?: readonly string[];
  shard?: Shard;
  onResult?: (r: ScenarioResult) => void;
}

export async function runAllScenarios(o: RunAllOptions): Promise<ScenarioResult[]> {
  const found = await discoverScenarios(o.dir ?? join(o.root, 'scenarios'));
  if (o.only?.length) {
    const unknown = o.only.filter((id) => !found.some((f) => f.scenario.id === id));
    if (unknown.length)
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `unknown scenario(s) ${unknown.join(', ')} (known: ${found.map((f) => f.scenario.id).join(', ')})`,
      );
  }
  const chosen = inShard(
    found.filter((f) => !o.only?.length || o.only.includes(f.scenario.id)),
    o.shard,
  );
  const results: ScenarioResult[] = [];
  for (const { file, scenario } of chosen) {
    const r = withGolden(
      await runScenario(scenario, {
        root: o.root,
        file: file.startsWith(o.root) ? file.slice(o.root.length + 1) : file,
      }),
      o.root,
    );
    o.onResult?.(r);
    results.push(r);
  }
  return results;
}

/** The list `--json` prints: each scenario with its verdicts and the invariants that caught the faulty variant. */
export function scenarioSummary(results: readonly ScenarioResult[]) {
  return results.map((r) => ({
    id: r.id,
    failureMode: r.failureMode,
    ok: r.ok,
    faulty: { verdict: r.variants.faulty.verdict, caughtBy: r.variants.faulty.caughtBy, mustCatch: r.mustCatch },
    fixed: { verdict: r.variants.fixed.verdict, failingInvariants: r.variants.fixed.caughtBy },
    measurements: Object.fromEntries(
      Object.entries({
        ...r.shared.measurements,
        ...Object.fromEntries(
          Object.entries(r.variants).flatMap(([n, v]) =>
            Object.entries(v.measurements).map(([k, m]) => [`${n}.${k}`, m]),
          ),
        ),
      }).map(([k, m]) => [k, Number(m.value.toFixed(3))]),
    ),
    ms: Math.round(r.ms),
  }));
}
