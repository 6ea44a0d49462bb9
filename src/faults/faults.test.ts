/**
 * The N:M fault injectors on one fixed graph: besides breaking the pattern
 * (nm-conformance), their outputs differ from the mask oracle's, i.e. from what
 * the correct pruner computes. (On some graphs an N:M fault changes no output:
 * the quality suite then relies on nm-conformance alone.)
 */
import { describe, expect, it } from 'vitest';
import { failing } from '../findings.js';
import { GraphBuilder } from '../ir/builder/index.js';
import { executedInvariants } from '../invariants/executed.js';
import { nmConformance } from '../invariants/nm-conformance.js';
import type { Plan } from '../prune/plan.js';
import { nmWrongAxis, structuredBreaksNm } from './nm-faults.js';

function mlp() {
  const b = new GraphBuilder({ seed: 5 });
  const x = b.input('x', 'float32', ['batch', 8]);
  b.output(b.gemm(b.relu(b.gemm(x, 8, { name: 'fc1' })), 4, { name: 'fc2' }), 'logits');
  return b.build();
}

describe('N:M fault injectors', () => {
  const dense = mlp();
  const cases: [string, typeof nmWrongAxis, Plan][] = [
    ['nm-wrong-axis', nmWrongAxis, { version: 1, nm: [{ tensor: 'fc2.weight', n: 2, m: 4 }] }],
    [
      'structured-breaks-nm',
      structuredBreaksNm,
      {
        version: 1,
        channels: [{ group: 'fc1.weight#0', indices: [1, 6] }],
        nm: [{ tensor: 'fc2.weight', n: 2, m: 4 }],
      },
    ],
  ];
  it.each(cases)('%s breaks the pattern and differs from the oracle', async (_id, fault, plan) => {
    const faulty = fault.prune(dense, plan);
    expect(failing(nmConformance({ dense, pruned: faulty, plan })).length).toBeGreaterThan(0);
    const findings = failing(await executedInvariants({ dense, pruned: faulty, plan }));
    expect(findings.map((f) => f.invariant)).toContain('mask-equivalence');
  });
});
