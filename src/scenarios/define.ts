/**
 * A scenario is one production incident as a readable file
 * (`scenarios/<id>.scenario.ts`): where it happened, its failure mode, the
 * model and data, a `faulty` variant that reproduces the incident and a
 * `fixed` variant that does it right, and one `check` — the same invariants
 * and gates for both. The faulty variant must be caught by one of `mustCatch`;
 * the fixed one must pass. Every number is measured live when it runs.
 *
 * @example
 * export default defineScenario({
 *   id: 'missing-projection-update',
 *   incident: { source: 'Apple Core ML deployment', date: '2023', summary: '...' },
 *   failureMode: 'shape-mismatch',
 *   model: 'fixtures/models/resnet_tiny_op17.onnx',
 *   variants: { faulty: { summary: '...', plan, prune: fault.prune }, fixed: { summary: '...', plan } },
 *   mustCatch: ['shape-consistency', 'no-silent-broadcast', 'mask-equivalence'],
 *   check: (c) => checkStructure(c),
 * });
 */
import { PruneguardError } from '../errors.js';
import type * as v from 'valibot';
import type { FailureMode, Finding } from '../findings.js';
import { type IncidentSchema, scenarioProblems } from './scenario-schema.js';
import type { SliceDef } from '../analysis/slices.js';
import type { EvalResult } from '../data/evaluate.js';
import type { EvalSet } from '../data/eval-set.js';
import type { Model } from '../ir/types.js';
import type { Plan } from '../prune/plan.js';

/** Where and when an incident happened, and what happened (validated by scenario-schema.ts). */
export type Incident = v.InferOutput<typeof IncidentSchema>;

/** A tolerance band for a measured number, recorded in the golden file when it is updated. */
export type Tolerance = { abs: number } | { rel: number };

export interface PlotSeries {
  name: string;
  points: { x: string | number; y: number }[];
}

/** Data for the HTML report's plots (rendered as inline SVG). */
export interface PlotData {
  kind: 'sensitivity' | 'slices' | 'latency' | 'profile';
  title: string;
  /** Axis labels. */
  x: string;
  y: string;
  series: PlotSeries[];
}

/** What a scenario's check gets: both models, the plan, data, evaluation and recording helpers. */
export interface CheckContext {
  dense: Model;
  pruned: Model;
  plan?: Plan;
  /** The variant being checked (`faulty` or `fixed`). */
  variant: VariantName;
  /** The scenario's evaluation data (when it declares `data`). */
  data?: EvalSet;
  /** The dense model on `data`, evaluated once per run. */
  denseResult(): Promise<EvalResult>;
  /** Evaluates a model on `data`. */
  evaluate(model: Model): Promise<EvalResult>;
  /** The scenario's declared slices. */
  slices: readonly SliceDef[];
  /**
   * Records a measured number for the report; with a tolerance it is also
   * checked against the band recorded in the golden file.
   */
  record(key: string, value: number, tolerance?: Tolerance): void;
  /** Attaches plot data for the HTML report. */
  plot(p: PlotData): void;
  /** Resolves a path relative to the project root. */
  resolve(path: string): string;
  /**
   * Computes something both variants need once per run (e.g. a sensitivity
   * profile); what it records belongs to the scenario, not to a variant.
   */
  shared<T>(key: string, compute: (r: Recorder) => Promise<T> | T): Promise<T>;
}

export interface Recorder {
  record(key: string, value: number, tolerance?: Tolerance): void;
  plot(p: PlotData): void;
}

/** What a variant's make() gets to build its pruned model. */
export interface MakeContext {
  dense: Model;
  data?: EvalSet;
  evaluate(model: Model): Promise<EvalResult>;
  denseResult(): Promise<EvalResult>;
  record(key: string, value: number, tolerance?: Tolerance): void;
  plot(p: PlotData): void;
  resolve(path: string): string;
  shared<T>(key: string, compute: (r: Recorder) => Promise<T> | T): Promise<T>;
}

export type VariantName = 'faulty' | 'fixed';

/** One variant of a scenario (faulty or fixed): a plan, a pruner, or a make() that builds the pruned model. */
export interface Variant {
  /** What this variant does, in one sentence. */
  summary: string;
  /** The plan (applied with `prune` unless the variant has its own). */
  plan?: Plan;
  /** A pruner (e.g. a fault injector); default: pruneguard's dependency-aware pruner. */
  prune?: (dense: Model, plan: Plan) => Model | Promise<Model>;
  /** Full control: build the pruned model (and maybe a plan) yourself. */
  make?: (ctx: MakeContext) => Promise<{ pruned: Model; plan?: Plan }> | { pruned: Model; plan?: Plan };
}

/** What a scenario file declares: the incident, model, data, faulty and fixed variants, and the check. */
export interface ScenarioSpec {
  /** kebab-case; the golden file is golden/<id>.json. */
  id: string;
  title: string;
  incident: Incident;
  failureMode: FailureMode;
  /** A model file (relative to the project root) or a builder. */
  model: string | (() => Model | Promise<Model>);
  /** Evaluation data (npz/npy/json, relative to the project root) and slices. */
  data?: { file: string; slices?: SliceDef[] };
  variants: Record<VariantName, Variant>;
  /** The faulty variant must be caught by at least one of these invariants or gates. */
  mustCatch: readonly string[];
  /** Runs once per variant; returns findings (data, never thrown). */
  check(c: CheckContext): Promise<Finding[]> | Finding[];
}

/** A validated scenario, tagged so discovery finds it. */
export interface Scenario extends ScenarioSpec {
  readonly kind: 'pruneguard-scenario';
}

/** Validates a scenario up front (every problem at once) and tags it so discovery can find it. */
export function defineScenario(spec: ScenarioSpec): Scenario {
  const problems = scenarioProblems(spec);
  if (problems.length) throw new PruneguardError('E_BAD_ARGUMENT', `scenario '${spec?.id}': ${problems.join('; ')}`);
  return { ...spec, kind: 'pruneguard-scenario' };
}

export function isScenario(v: unknown): v is Scenario {
  return typeof v === 'object' && v !== null && (v as Scenario).kind === 'pruneguard-scenario';
}
