/**
 * The executed invariants on a plan that shrinks a KV cache: the pruned model is fed caches of its
 * own (pruned) size, the reference the dense caches with the removed heads zeroed, and the cache
 * outputs are compared at the kept heads. A correct pruning passes both checks; a cache declared at
 * the old head count is still a finding.
 */
import { describe, expect, it } from 'vitest';
import { failing } from '../findings.js';
import { kvCacheNotUpdated } from '../faults/attention-faults.js';
import { GraphBuilder } from '../ir/builder/index.js';
import { analyzeGroups } from '../prune/groups.js';
import { prune } from '../prune/prune.js';
import { executedInvariants } from './executed.js';

function cached() {
  const b = new GraphBuilder({ seed: 4 });
  const x = b.input('x', 'float32', ['batch', 'seq', 8]);
  const y = b.attention(x, { heads: 4, kvHeads: 2, embed: 8, kvCache: true, bias: false, name: 'attn' });
  b.output(y, 'hidden');
  return b.build();
}

describe('executed invariants with a KV cache the plan shrinks', () => {
  const dense = cached();
  const unit = analyzeGroups(dense).attention.find((u) => !u.query)!;
  const plan = { version: 1 as const, heads: [{ attention: unit.id, remove: [1] }] };

  it('feed the pruned model caches of its size: a correct pruning passes shape and oracle checks', async () => {
    const { model: pruned, report } = prune(dense, plan);
    expect(report.interface.map((c) => c.name).sort()).toEqual([
      'past_key_attn',
      'past_value_attn',
      'present_key_attn',
      'present_value_attn',
    ]);
    expect(failing(await executedInvariants({ dense, pruned, plan }))).toEqual([]);
    // Shapes only (no oracle comparison) feed the same way.
    expect(failing(await executedInvariants({ dense, pruned, plan }, { maskEquivalence: false }))).toEqual([]);
  });

  it('still find a cache declared at the old head count', async () => {
    const findings = failing(await executedInvariants({ dense, pruned: kvCacheNotUpdated.prune(dense, plan), plan }));
    expect(findings.map((f) => f.message).join('\n')).toMatch(
      /cannot load the pruned model.*concat_past_key.*Declared=2/,
    );
  });
});
