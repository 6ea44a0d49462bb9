/**
 * Long-document head pruning. The seed: a pruned transformer holds 98% on a
 * validation set of ~50-token inputs and drops 10 points on 500-token
 * production documents because the pruned heads carried long-range context.
 * Here: a trained 2-layer transformer whose answer depends on the first token;
 * layers.0.head3 attends globally, every other head within a window of 8.
 * Head importance measured on short inputs (accuracy drop, the usual
 * criterion) rates every head as free to remove; the faulty plan removes the
 * global one, the fixed plan the head with the smallest effect on short-input
 * outputs. Heads are removed structurally by pruneguard's pruner: the Q/K/V
 * rows, the output projection's input rows, the head count in the Concat-built
 * reshapes and the head's slice of the per-head window constant [1,4,64,64].
 */
import { compareSlices } from '../src/analysis/slices-gate.js';
import { computeMetrics } from '../src/analysis/metrics.js';
import type { Model } from '../src/ir/types.js';
import { prune } from '../src/prune/prune.js';
import type { Plan } from '../src/prune/plan.js';
import { defineScenario } from '../src/scenarios/define.js';

const HEADS = 4;

/** The plan that removes head `head` of layer `layer` (attention units are named by a member tensor). */
function headPlan(layer: number, head: number): Plan {
  return { version: 1, heads: [{ attention: `layers.${layer}.attn.q.bias#0`, remove: [head] }] };
}

function withoutHead(model: Model, layer: number, head: number): { pruned: Model; plan: Plan } {
  const plan = headPlan(layer, head);
  return { pruned: prune(model, plan).model, plan };
}

const heads = [0, 1].flatMap((layer) =>
  Array.from({ length: HEADS }, (_, head) => ({ layer, head, name: `layers.${layer}.head${head}` })),
);

export default defineScenario({
  id: 'long-document-head-pruning',
  title: 'Long-document head pruning: short inputs pass, long documents fail',
  incident: {
    source: 'Transformer serving (seed: production-pruning-failure-modes, distribution shift)',
    date: '2023',
    summary:
      'Heads chosen on a ~50-token validation set; 98% held there, ' +
      '500-token production documents dropped 10 points: the pruned heads carried long-range dependencies.',
  },
  failureMode: 'slice-regression',
  model: 'fixtures/models/longrange_transformer_op17.onnx',
  // slice_short (6–8 tokens) and slice_long (48–64 tokens) come from the data; the default 2-point threshold applies.
  data: { file: 'fixtures/data/longrange_eval.npz' },
  variants: {
    faulty: {
      summary: 'remove layers.0.head3 (0 points lost on short inputs; it carries the long-range context)',
      make: (c) => withoutHead(c.dense, 0, 3),
    },
    fixed: {
      summary: 'remove the head whose removal changes short-input outputs least (measured)',
      async make(c) {
        const dense = await c.denseResult();
        const short = Int32Array.from(
          Array.from({ length: dense.count }, (_, i) => i).filter((i) => dense.slices.short[i] === 1),
        );
        let best = { name: '', l2: Infinity, variant: { pruned: c.dense, plan: {} as Plan } };
        for (const h of heads) {
          const variant = withoutHead(c.dense, h.layer, h.head);
          const m = computeMetrics(await c.evaluate(variant.pruned), dense, short);
          c.record(
            `short-importance.${h.name}.accuracyDrop`,
            (1 - (m.accuracy ?? 0) / (computeMetrics(dense, undefined, short).accuracy ?? 1)) * 100,
          );
          if (m.divergence!.meanL2 < best.l2) best = { name: h.name, l2: m.divergence!.meanL2, variant };
        }
        c.record(`removed.${best.name}`, 1);
        return best.variant;
      },
    },
  },
  mustCatch: ['slice-threshold'],
  async check(c) {
    const dense = await c.denseResult();
    const r = compareSlices(dense, await c.evaluate(c.pruned), c.slices);
    for (const v of r.verdicts) c.record(`slice.${v.slice}.pruned`, v.pruned, { abs: 3 });
    const drop = (s: string) => r.verdicts.find((v) => v.slice === s)!.drop;
    c.record('long.drop', drop('long'));
    c.record('short.drop', drop('short'));
    c.plot({
      kind: 'slices',
      title: `Slice accuracy, dense vs ${c.variant}`,
      x: 'slice',
      y: 'accuracy (%)',
      series: [
        { name: 'dense', points: r.verdicts.map((v) => ({ x: v.slice, y: v.dense })) },
        { name: `pruned (${c.variant})`, points: r.verdicts.map((v) => ({ x: v.slice, y: v.pruned })) },
      ],
    });
    return r.findings;
  },
});
