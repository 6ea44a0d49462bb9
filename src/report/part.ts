/**
 * A report part: what one run (or one shard of a run) measured, as JSON.
 * Parts merge into one report (merge.ts); a report is only ever written from
 * complete parts, so a shard that died leaves no part and the merge says so.
 */
import type { FaultResult } from '../check/selftest.js';
import type { ScenarioResult } from '../scenarios/run.js';
import type { Versions } from '../scenarios/versions.js';

export const PART_KIND = 'pruneguard-report-part';

/** A property run, as the report shows it. */
export interface PropertyRecord {
  name: string;
  /** Failure modes whose invariants the property's check ran. */
  failureModes: string[];
  invariants: string[];
  seed: number;
  cases: number;
  skipped: number;
  passed: boolean;
  replay?: string;
}

/** A fault injector's self-test result, as the report keeps it (without the counterexample itself). */
export type FaultRecord = Omit<FaultResult, 'counterexample' | 'skipped'>;

export interface ReportPart {
  kind: typeof PART_KIND;
  version: 1;
  /** e.g. "2/4" for a shard, "main" for the unsharded main job. */
  shard: string;
  createdAt: string;
  versions: Versions;
  /** Scenario results without their raw findings' bulky fields (see slimScenario). */
  scenarios: ScenarioResult[];
  properties: PropertyRecord[];
  faults: FaultRecord[];
  ms: number;
}

/** A scenario result as stored in parts: findings kept, values made JSON-safe. */
export function slimScenario(r: ScenarioResult): ScenarioResult {
  return JSON.parse(
    JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? Number(v) : v instanceof Map ? Object.fromEntries(v) : v)),
  );
}

export function makePart(p: Omit<ReportPart, 'kind' | 'version' | 'createdAt'>): ReportPart {
  return {
    kind: PART_KIND,
    version: 1,
    createdAt: new Date().toISOString(),
    ...p,
    scenarios: p.scenarios.map(slimScenario),
  };
}
