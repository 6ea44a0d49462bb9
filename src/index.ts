/**
 * pruneguard's public API: everything a team needs to guard its own pruning
 * pipeline from its own vitest suite. Internals are not exported.
 *
 * @example
 *   import { loadModelFile, prune, checkStructure } from 'pruneguard';
 *   import 'pruneguard/vitest';
 *   const dense = loadModelFile('model.onnx');
 *   const plan = { version: 1, channels: [{ group: 'layer1.conv.weight#0', ratio: 0.3 }] };
 *   const pruned = myPipeline(dense, plan);
 *   expect(await checkStructure({ dense, pruned, plan })).toSatisfyInvariants();
 */

// errors and findings
export { PruneguardError, isPruneguardError, type ErrorCode } from './errors.js';
export { FAILURE_MODES, failing, type FailureMode, type Finding } from './findings.js';
export { formatFinding, formatFindings } from './invariants/format.js';

// ONNX and the graph IR
export { loadModel, loadModelFile, type LoadOptions } from './onnx/load.js';
export { saveModel, saveModelFile } from './onnx/save.js';
export type { Dim, DType, Graph, Model, Node, Tensor, ValueInfo } from './ir/types.js';
export { GraphBuilder } from './ir/builder/index.js';
export { printGraph } from './ir/print.js';
export { inferShapes } from './shape/infer.js';
export type { BroadcastSignature, InferOptions, ShapeResult } from './shape/types.js';

// the pruner
export { analyzeGroups, type Group, type GroupAnalysis, type AttentionUnit } from './prune/groups.js';
export { prune, type PruneReport } from './prune/prune.js';
export { mask } from './prune/mask.js';
export { verify } from './prune/verify.js';
export type { Plan, ChannelSpec, HeadSpec, Guards, Criterion } from './prune/plan.js';
export {
  applyNm,
  applyUnstructured,
  checkNm,
  eligibility,
  reductionAxis,
  KERNEL_FAMILIES,
} from './prune/masks/index.js';
export { FAULTS, faultById, type Fault } from './faults/index.js';

// invariants and structural checks
export { checkStructure, checkStructureStatic, GUARDS, STRUCTURAL_INVARIANTS } from './check/structure.js';
export type { PruneCase } from './invariants/case.js';
export { staticShapeConsistency, executedShapeConsistency } from './invariants/shape-consistency.js';
export { noSilentBroadcast } from './invariants/no-silent-broadcast.js';
export { maskEquivalence, maskOracle } from './invariants/mask-equivalence.js';
export { nmConformance } from './invariants/nm-conformance.js';
export { monotoneSensitivityBudget } from './invariants/monotone-sensitivity-budget.js';

// generators and property runs
export { graphArbitrary, graphRecipe, buildGraph, type GraphRecipe, type Family } from './arbitraries/graph.js';
export { residualRecipe, buildResidual } from './arbitraries/residual.js';
export { attentionRecipe, buildAttention } from './arbitraries/attention.js';
export { normalizationRecipe, buildNormalization } from './arbitraries/normalization.js';
export { relativePlan, bindPlan, type RelativePlan, type PlanConstraints } from './arbitraries/plan.js';
export { graphSize } from './arbitraries/size.js';
export { caseRecipe, materialize } from './check/prune-case.js';
export { runPruneProperty, type Pruner, type PropertyOutcome } from './check/run-property.js';
export { commandPruner, type CommandPruner, type CommandPrunerOptions } from './check/command/command-pruner.js';
export { DECLINE_EXIT, PrunerDeclined, PrunerFailure } from './check/command/outcome.js';
export { runFuzz, type FuzzOptions, type FuzzOutcome } from './check/fuzz.js';
export { planFulfilled } from './invariants/plan-fulfilled.js';
export { interfaceConsistency } from './invariants/interface-consistency.js';
export { propertyConfig } from './check/config.js';
export { formatCounterexample, replayCommand, type Counterexample } from './check/counterexample.js';
export { runSelftest, type FaultResult } from './check/selftest.js';

// onnxruntime
export {
  createSession,
  releaseSession,
  run,
  randomInputs,
  compareOutputs,
  exposeIntermediates,
} from './runtime/index.js';

// measured gates
export * from './data/index.js';
export { computeMetrics, type Metrics } from './analysis/metrics.js';
export { resolveSlices, DEFAULT_THRESHOLD, type SliceDef } from './analysis/slices.js';
export { sliceGate, compareSlices } from './analysis/slices-gate.js';
export { measureLatency } from './analysis/latency.js';
export { latencyGate } from './analysis/latency-gate.js';
export { allocateBudget } from './analysis/budget.js';
export { weightMacs } from './analysis/flops.js';
export { sensitivity, type SensitivityOptions } from './analysis/sensitivity.js';
export { planForTarget, planFromRatios } from './analysis/sensitivity-plan.js';
export { formatProfile } from './analysis/sensitivity-format.js';
export { sparseBreakEvenVsRuntime } from './analysis/sparse-break-even-runtime.js';
export { sparseBreakEven } from './analysis/sparse-break-even.js';
export * from './plot/index.js';
export { DEFAULT_CAPS, type SensitivityProfile, type SensitivityEntry, type CapRules } from './analysis/profile.js';
export { quantizeQdq, quantizationSites } from './analysis/quantize/qdq.js';
export { calibrate } from './analysis/quantize/calibrate.js';
export { calibrationFreshness } from './analysis/quantize/freshness.js';
export { modelDigest } from './analysis/quantize/digest.js';

// Incident scenarios and reports
export {
  defineScenario,
  type Scenario,
  type ScenarioSpec,
  type CheckContext,
  type MakeContext,
  type Variant,
  type Tolerance,
  type PlotData,
} from './scenarios/define.js';
export { runScenario, type ScenarioResult, type VariantResult } from './scenarios/run.js';
export { discoverScenarios, loadScenario } from './scenarios/discover.js';
export { buildReport, type Report } from './report/model.js';
