/**
 * The report, per failure mode: the guards, the properties that exercised it
 * (cases, seeds), the scenarios with their verdicts, the fault injectors it
 * caught, code coverage of its modules, and plot data. One model; the JSON,
 * Markdown and HTML writers only render it.
 */
import { FAILURE_MODES, type FailureMode } from '../findings.js';
import type { PlotData } from '../scenarios/define.js';
import type { Versions } from '../scenarios/versions.js';
import { coverageByMode, type CoverageInput, type ModeCoverage } from './coverage.js';
import type { FaultRecord, PropertyRecord, ReportPart } from './part.js';
import { REGISTRY } from './registry.js';

export interface ScenarioLine {
  id: string;
  title: string;
  file?: string;
  incident: { source: string; date: string; summary: string };
  ok: boolean;
  faulty: { summary: string; verdict: string; caughtBy: string[]; firstFinding?: string };
  fixed: { summary: string; verdict: string; caughtBy: string[]; firstFinding?: string };
  mustCatch: string[];
  measurements: Record<string, number>;
  plots: PlotData[];
}

export interface ModeReport {
  id: FailureMode;
  title: string;
  risk: string;
  guards: string[];
  /** 'ok' exercised and nothing wrong; 'failing' a scenario/property/fault went wrong; 'unexercised' nothing ran. */
  status: 'ok' | 'failing' | 'unexercised';
  properties: PropertyRecord[];
  scenarios: ScenarioLine[];
  faults: FaultRecord[];
  coverage: ModeCoverage | null;
}

/** The full report: per failure mode, its scenarios, properties, fault injectors and coverage. */
export interface Report {
  kind: 'pruneguard-report';
  version: 1;
  createdAt: string;
  shards: string[];
  versions: Versions;
  ok: boolean;
  totals: {
    scenarios: number;
    scenariosOk: number;
    propertyCases: number;
    faults: number;
    faultsCaught: number;
    ms: number;
  };
  coverage: { source: string; measuredAt: string } | null;
  failureModes: ModeReport[];
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

function scenarioLine(s: ReportPart['scenarios'][number]): ScenarioLine {
  const v = (name: 'faulty' | 'fixed') => {
    const r = s.variants[name];
    return {
      summary: r.summary,
      verdict: r.verdict,
      caughtBy: r.caughtBy,
      ...(r.findings[0]
        ? { firstFinding: r.findings[0].message }
        : r.error
          ? { firstFinding: `error: ${r.error.split('\n')[0]}` }
          : {}),
    };
  };
  const measurements: Record<string, number> = {};
  for (const [k, m] of Object.entries(s.shared.measurements)) measurements[k] = round(m.value);
  for (const [n, r] of Object.entries(s.variants))
    for (const [k, m] of Object.entries(r.measurements)) measurements[`${n}.${k}`] = round(m.value);
  return {
    id: s.id,
    title: s.title,
    ...(s.file ? { file: s.file } : {}),
    incident: s.incident,
    ok: s.ok,
    faulty: v('faulty'),
    fixed: v('fixed'),
    mustCatch: s.mustCatch,
    measurements,
    plots: [...s.shared.plots, ...s.variants.faulty.plots, ...s.variants.fixed.plots],
  };
}

/** Builds the report from one run's (or merged shards') results and optional coverage. */
export function buildReport(part: ReportPart & { shards?: string[] }, coverage?: CoverageInput): Report {
  const cov = coverage ? coverageByMode(coverage) : undefined;
  const failureModes = FAILURE_MODES.map((id): ModeReport => {
    const entry = REGISTRY[id];
    const properties = part.properties.filter((p) => p.failureModes.includes(id));
    const scenarios = part.scenarios.filter((s) => s.failureMode === id).map(scenarioLine);
    const faults = part.faults.filter((f) => f.failureMode === id);
    const exercised = properties.length + scenarios.length + faults.length > 0;
    const failing =
      properties.some((p) => !p.passed) ||
      scenarios.some((s) => !s.ok) ||
      faults.some((f) => !f.caught || !f.caughtByExpected);
    return {
      id,
      title: entry.title,
      risk: entry.risk,
      guards: [...entry.guards],
      status: failing ? 'failing' : exercised ? 'ok' : 'unexercised',
      properties,
      scenarios,
      faults,
      coverage: cov?.[id] ?? null,
    };
  });
  return {
    kind: 'pruneguard-report',
    version: 1,
    createdAt: part.createdAt,
    shards: part.shards ?? [part.shard],
    versions: part.versions,
    ok: failureModes.every((m) => m.status !== 'failing'),
    totals: {
      scenarios: part.scenarios.length,
      scenariosOk: part.scenarios.filter((s) => s.ok).length,
      propertyCases: part.properties.reduce((s, p) => s + p.cases, 0),
      faults: part.faults.length,
      faultsCaught: part.faults.filter((f) => f.caught && f.caughtByExpected).length,
      ms: Math.round(part.ms),
    },
    coverage: coverage ? { source: coverage.source, measuredAt: coverage.measuredAt } : null,
    failureModes,
  };
}
