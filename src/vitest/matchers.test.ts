import { describe, expect, it } from 'vitest';
import './matchers.js';
import { GraphBuilder } from '../ir/builder/index.js';
import { prune } from '../prune/prune.js';
import { checkStructure } from '../check/structure.js';
import { skipProjectionNotUpdated } from '../faults/forgotten-updates.js';
import type { Finding } from '../findings.js';

function residual() {
  const b = new GraphBuilder({ seed: 1 });
  const x = b.input('x', 'float32', ['batch', 3, 8, 8]);
  const stem = b.relu(b.conv(x, 8, { kernel: 3, pad: 1, name: 'stem' }));
  const main = b.conv(b.relu(b.conv(stem, 6, { kernel: 3, pad: 1 })), 4, { kernel: 1 });
  const proj = b.conv(stem, 4, { kernel: 1, name: 'proj' });
  b.output(b.gemm(b.flatten(b.globalAveragePool(b.add(main, proj))), 3), 'logits');
  return b.build();
}

describe('vitest matchers', () => {
  it('toSatisfyInvariants passes a correct pruning and lists findings otherwise', async () => {
    const dense = residual();
    const plan = { version: 1 as const, channels: [{ group: 'conv2.weight#0', ratio: 0.5 }] };
    expect(await checkStructure({ dense, pruned: prune(dense, plan).model, plan })).toSatisfyInvariants();
    const broken = await checkStructure({ dense, pruned: skipProjectionNotUpdated.prune(dense, plan), plan });
    expect(broken).not.toSatisfyInvariants();
    expect(broken).toCatch('shape-mismatch', 'shape-consistency');
    expect(() => expect(broken).toSatisfyInvariants()).toThrowError(/\[shape-mismatch\] shape-consistency/);
  });

  it('accepts { findings } objects and filters by invariant', () => {
    const f: Finding = { invariant: 'nm-conformance', failureMode: 'nm-nonconformance', message: 'x' };
    expect({ findings: [f] }).toSatisfyInvariants('shape-consistency');
    expect({ findings: [f] }).not.toSatisfyInvariants('nm-conformance');
  });
});
