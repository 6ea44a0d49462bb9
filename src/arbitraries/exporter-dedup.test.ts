import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../ir/builder/index.js';
import { createSession } from '../runtime/session.js';
import { randomInputs } from '../runtime/random-inputs.js';
import { run } from '../runtime/run.js';
import { dedupInitializers } from './exporter-dedup.js';

describe('dedupInitializers', () => {
  it('keeps one copy of equal values, aliases the rest with Identity, and computes the same', async () => {
    const b = new GraphBuilder({ seed: 2 });
    const x = b.input('x', 'float32', ['batch', 4, 5]);
    // Two GELUs (equal scalar constants) and two equal reshape targets.
    const y = b.gelu(b.gelu(b.linear(x, 4)));
    b.output(b.reshape(b.reshape(b.reshape(y, [0, -1]), [0, 4, 4]), [0, -1]), 'y');
    const dense = b.build();
    const deduped = dedupInitializers(dense);
    const identities = deduped.graph.nodes.filter((n) => n.opType === 'Identity');
    expect(identities.length).toBeGreaterThan(0);
    expect(deduped.graph.initializers.size).toBe(dense.graph.initializers.size - identities.length);
    for (const n of identities) expect([...deduped.graph.initializers.keys()]).toContain(n.inputs[0]);
    const feeds = randomInputs(dense, { x: [2, 4, 5] }, { seed: 1 });
    const [a, c] = [await run(await createSession(dense), feeds), await run(await createSession(deduped), feeds)];
    expect(c.y.data).toEqual(a.y.data);
  });
});
