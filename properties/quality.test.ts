/**
 * Quality: every fault injector is caught by the invariant of its failure
 * mode, quickly, and shrunk to a small counterexample.
 */
import { describe, expect, it } from 'vitest';
import { propertyConfig } from '../src/check/config.js';
import { formatCounterexample } from '../src/check/counterexample.js';
import { runSelftest } from '../src/check/selftest.js';
import { FAULTS } from '../src/faults/index.js';
import { failing } from '../src/findings.js';
import { executedInvariants } from '../src/invariants/executed.js';
import { nmConformance } from '../src/invariants/nm-conformance.js';
import { planFulfilled } from '../src/invariants/plan-fulfilled.js';

/** Faults whose smallest layout is larger than 8 nodes, with the size they shrink to. */
const LARGER_LAYOUTS: Record<string, number> = {
  // Grouped-query attention's smallest layout (per-head Einsum projections, no biases): Q, K and V
  // projections, Unsqueeze + Expand + Reshape of repeat_kv for K and for V, scores, Softmax, context,
  // the head merge and the output projection: 14 nodes.
  'gqa-kv-heads-not-pruned': 14,
  'gqa-head-ratio-not-multiple': 14,
  'repeat-kv-not-updated': 14,
  // The same layout, with the query heads of each KV group removed (n_rep 2 → 1).
  'repeat-kv-nrep-not-updated': 14,
  // Fused ops: q, k, v projections, the op, the output projection are 5 nodes, but a recipe keeps its op
  // (no cross-shrinking: no op is smaller in both nodes and parameters), and GroupQueryAttention reads
  // seqlens_k/total_sequence_length made from the runtime shapes (9 nodes): 14 when it catches first.
  'fused-num-heads-not-updated': 14,
  'attention-bias-heads-not-sliced': 14,
  // The 8-node Einsum attention plus rotate_half RoPE on q and on k (Slice, Slice, Neg, Concat, Mul by
  // sin, Mul by cos, Add: 7 nodes each): 22 nodes.
  'rope-tables-not-sliced': 22,
  // The same RoPE layout, with a q·k head_dim of at least two pairs (one removed, one kept to take its partner):
  // measured 29 on seed 1; why the shrink keeps the 7 nodes over 22 was not analysed.
  'rope-halves-not-paired': 29,
  // The 8-node Einsum attention plus the two cache Concats (past before the new keys and values).
  'kv-cache-not-updated': 10,
};

describe('fault injectors', () => {
  const cfg = propertyConfig(120);
  const seed = Number(process.env.PRUNEGUARD_SEED) || 1;
  // Each fault's selftest runs once, whichever test asks first: the per-fault tests and the median
  // over all faults share the results without depending on the order the tests run in.
  const results = new Map<string, ReturnType<typeof runSelftest>>();
  const selftestOf = (fault: (typeof FAULTS)[number]) => {
    if (!results.has(fault.id)) results.set(fault.id, runSelftest({ faults: [fault], runs: cfg.runs, seed }));
    return results.get(fault.id)!.then(([r]) => r);
  };

  it('has at least twenty-two', () => expect(FAULTS.length).toBeGreaterThanOrEqual(22));

  it.each(FAULTS.map((f) => [f.id, f] as const))('%s is caught by its invariant and shrunk', async (_id, fault) => {
    const r = await selftestOf(fault);
    console.log(
      `[pruneguard] ${fault.id}: caught=${r.caught} after ${r.casesToFirstCatch} cases (${r.skipped} skipped), ` +
        `by ${r.caughtBy.join(',')}, shrunk to ${JSON.stringify(r.shrunk)}`,
    );
    expect(r.caught, `${fault.id} was never caught in ${cfg.runs} cases`).toBe(true);
    expect(
      r.caughtByExpected,
      `${fault.id} caught by ${r.caughtBy} instead ` +
        `of ${fault.caughtBy}\n${r.counterexample ? formatCounterexample(r.counterexample) : ''}`,
    ).toBe(true);
    // Layouts that need more than 8 nodes (see README, Fault injectors): grouped-query attention's repeat_kv.
    expect(r.shrunk!.nodes, formatCounterexample(r.counterexample!)).toBeLessThanOrEqual(LARGER_LAYOUTS[fault.id] ?? 8);

    // The runtime evidence, on the shrunk counterexample: onnxruntime refuses or fails the faulty
    // model, or its outputs differ from the mask oracle (what the correct pruner computes).
    const { dense, plan } = r.counterexample!.case;
    const faulty = fault.prune(dense, plan);
    const executed = failing(await executedInvariants({ dense, pruned: faulty, plan }));
    // An interface change shows at run time as an output of another shape or an input that cannot be fed.
    const evidence = executed.filter(
      (f) => f.invariant === 'mask-equivalence' || /cannot load|fails|has shape/.test(f.message),
    );
    if (fault.failureMode === 'hardware-headroom') {
      // A plan not fulfilled runs fine; what it breaks is the size the plan promised.
      expect(failing(planFulfilled({ dense, pruned: faulty, plan })).length).toBeGreaterThan(0);
    } else if (fault.failureMode === 'nm-nonconformance') {
      // An N:M fault need not change any output (a zero is a zero on any axis); what it breaks is
      // the pattern a sparse kernel needs. src/faults/faults.test.ts shows graphs where the
      // outputs differ from the oracle as well.
      expect(failing(nmConformance({ dense, pruned: faulty, plan })).length).toBeGreaterThan(0);
    } else {
      expect(
        evidence.length,
        `${fault.id}: no runtime failure and no oracle difference\n${formatCounterexample(r.counterexample!)}`,
      ).toBeGreaterThan(0);
    }
    console.log(
      `[pruneguard] ${fault.id} at run ` +
        `time: ${evidence[0]?.message ?? 'outputs equal the oracle; the N:M pattern is broken'}`,
    );
  });

  // The bar over all faults (reusing the per-fault runs when they came first).
  it('median generated cases to the first catch is at most 50', async () => {
    const all = await Promise.all(FAULTS.map(selftestOf));
    expect(all.filter((r) => !r.caught).map((r) => r.fault)).toEqual([]);
    const counts = all.map((r) => r.casesToFirstCatch!).sort((a, b) => a - b);
    expect(counts[counts.length >> 1]).toBeLessThanOrEqual(50);
  }, 600_000); // alone (vitest -t median) it runs every fault's selftest itself
});
