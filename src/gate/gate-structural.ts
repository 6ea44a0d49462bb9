/**
 * The structural gates of `check`: shape-consistency, no-silent-broadcast and
 * mask-equivalence (shape-mismatch), nm-conformance (nm-nonconformance). The
 * same invariants as checkStructure, called one by one so the config's sizes
 * and tolerances reach them.
 */
import type { Finding } from '../findings.js';
import { deriveSizes, type PruneCase } from '../invariants/case.js';
import { maskEquivalence } from '../invariants/mask-equivalence.js';
import { nmConformance } from '../invariants/nm-conformance.js';
import { noSilentBroadcast } from '../invariants/no-silent-broadcast.js';
import { executedShapeConsistency, staticShapeConsistency } from '../invariants/shape-consistency.js';
import type { Model } from '../ir/types.js';
import { defaultSizes, sizeProblems } from '../prune/input-sizes.js';
import type { OutputJudgement } from '../runtime/judge.js';
import type { Feeds } from '../runtime/run.js';
import type { Plan } from '../prune/plan.js';
import { inferShapes } from '../shape/infer.js';
import { DEFAULTS, type StructuralConfig } from './config.js';
import type { GateOutcome } from './outcome.js';

export interface StructuralInput {
  dense: Model;
  /** The model whose structure is checked (the float model of a quantized pruned model). */
  pruned: Model;
  plan?: Plan;
  config?: StructuralConfig;
  /** The pruned model is quantized: compare with the float model is not meaningful, so no mask oracle. */
  quantizedOnly?: boolean;
  /** Real inputs to run at instead of random ones at `sizes` (check --inputs). */
  feeds?: Feeds[];
  /** What messages call the dense model (its file). */
  denseSource?: string;
}

/** The sizes to run at: the config's, else [1, 3] for symbolic dims unless the graph says those are too small. */
function runSizes(dense: Model, config: StructuralConfig | undefined): Record<string, number[]>[] {
  if (config?.sizes) return config.sizes;
  const derived = deriveSizes(dense, config?.dims ?? DEFAULTS.structural.dims);
  if (config?.dims || derived.every((s) => sizeProblems(dense, s).length === 0)) return derived;
  return [defaultSizes(dense, 1), defaultSizes(dense, 2)];
}

/** One line per output: how mask-equivalence judged it (its worst run). */
function judgedText(judged: Map<string, OutputJudgement>): string {
  return [...judged.values()]
    .map(
      (j) =>
        `${j.name} by ${j.judged} (` +
        (j.judged === 'agreement'
          ? `${(100 * j.agreement).toFixed(2)}% agree, needs ${(100 * j.threshold!).toFixed(0)}%; `
          : `max |Δ| ${j.maxDeviation.toExponential(2)}, atol ${j.atol.toExponential(2)}, ` +
            `rtol ${j.rtol.toExponential(2)}; `) +
        `${j.basis})`,
    )
    .join('; ');
}

const sizesText = (sizes: Record<string, number[]>[]) =>
  sizes
    .map((s) =>
      Object.entries(s)
        .map(([k, v]) => `${k}=[${v.join(',')}]`)
        .join(' '),
    )
    .join('; ');

export async function structuralGates(
  input: StructuralInput,
): Promise<{ outcomes: GateOutcome[]; sizes: Record<string, number[]>[] }> {
  const cfg = { ...DEFAULTS.structural, ...input.config };
  const sizes = input.feeds
    ? input.feeds.map((f) => Object.fromEntries(Object.entries(f).map(([k, t]) => [k, [...t.dims]])))
    : runSizes(input.dense, input.config);
  const c: PruneCase = {
    dense: input.dense,
    pruned: input.pruned,
    plan: input.plan,
    sizes,
    vocab: cfg.vocab,
    feeds: input.feeds,
    denseSource: input.denseSource,
  };
  const shapes = { dense: inferShapes(c.dense), pruned: inferShapes(c.pruned) };
  const findings: Finding[] = [...staticShapeConsistency(c, shapes), ...noSilentBroadcast(c, shapes)];
  const executed = await executedShapeConsistency(c);
  findings.push(...executed);
  const ran = ['shape-consistency', 'no-silent-broadcast'];
  const loads = !executed.some((f) => /cannot load/.test(f.message));
  let maskNote = input.plan ? '' : '; mask-equivalence needs --plan';
  if (input.plan && input.quantizedOnly)
    maskNote = '; mask-equivalence not run on a quantized model without quantization.floatModel';
  else if (input.plan && loads) {
    // A tolerance the user set wins; otherwise each output's is derived from its precision and magnitude.
    const judged = new Map<string, OutputJudgement>();
    const onJudgement = (j: OutputJudgement) => {
      const before = judged.get(j.name);
      if (!before || (before.pass && !j.pass) || j.maxDeviation > before.maxDeviation) judged.set(j.name, j);
    };
    findings.push(
      ...(await maskEquivalence(
        { ...c, plan: input.plan },
        { atol: input.config?.atol, rtol: input.config?.rtol, onJudgement },
      )),
    );
    ran.push('mask-equivalence');
    if (judged.size) maskNote = `; outputs judged: ${judgedText(judged)}`;
  }
  const outcomes: GateOutcome[] = [
    {
      gate: 'structure',
      mode: 'shape-mismatch',
      ran: true,
      findings,
      reason: `${ran.join(', ')} at ${sizesText(sizes)}${maskNote}`,
    },
  ];
  const nm = input.plan?.nm?.filter(Boolean) ?? [];
  outcomes.push(
    nm.length
      ? {
          gate: 'nm-conformance',
          mode: 'nm-nonconformance',
          ran: true,
          findings: nmConformance({ dense: c.dense, pruned: c.pruned, plan: input.plan! }),
          reason: `nm-conformance on ${nm.map((s) => s.tensor).join(', ')}`,
        }
      : {
          gate: 'nm-conformance',
          mode: 'nm-nonconformance',
          ran: false,
          findings: [],
          reason: input.plan ? 'the plan declares no N:M tensors' : 'needs --plan (the N:M tensors it declares)',
        },
  );
  return { outcomes, sizes };
}
