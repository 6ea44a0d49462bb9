import { describe, expect, it } from 'vitest';
import { indexGraph } from '../ir/graph-index.js';
import { intAttr, model, node, vi, weights } from '../runtime/tiny-models.test-helpers.js';
import { formatInterfaceChange, interfaceChanges } from './interface.js';
import { cacheInterface } from './kv-cache.js';

/** present = Concat(past, x·W) on the sequence axis; `extra` is a graph input concatenated with itself only. */
function cached() {
  return model(
    [
      node('MatMul', ['x', 'w'], ['k']),
      node('Concat', ['past', 'k'], ['present'], [intAttr('axis', 1)]),
      node('Concat', ['a', 'b'], ['ab'], [intAttr('axis', 1)]),
    ],
    [
      vi('x', 'float32', ['batch', 'seq', 4]),
      vi('past', 'float32', ['batch', 'past', 2]),
      vi('a', 'float32', [1, 2, 2]),
      vi('b', 'float32', [1, 2, 2]),
    ],
    [vi('present', 'float32', ['batch', 'past+seq', 2]), vi('ab', 'float32', [1, 4, 2])],
    { w: weights([4, 2], 1) },
  );
}

describe('cacheInterface', () => {
  it('finds a graph input concatenated with computed values into a graph output, whatever the names', () => {
    const m = cached();
    expect([...cacheInterface(m.graph, indexGraph(m.graph))].sort()).toEqual(['past', 'present']);
  });
  it('ignores a Concat of graph inputs only (nothing computed: no cache)', () => {
    const m = cached();
    expect(cacheInterface(m.graph, indexGraph(m.graph)).has('ab')).toBe(false);
  });
});

describe('interfaceChanges', () => {
  it('lists changed, removed and new inputs/outputs, and nothing else', () => {
    const before = cached();
    const after = cached();
    after.graph.inputs[1] = vi('past', 'float32', ['batch', 'past', 1]);
    after.graph.outputs = [vi('ab', 'float32', [1, 4, 2]), vi('extra', 'float32', [3])];
    const changes = interfaceChanges(before, after);
    expect(changes.map(formatInterfaceChange)).toEqual([
      'input past [batch,past,2] → [batch,past,1]',
      'output present [batch,past+seq,2] → removed',
      'output extra (new) → [3]',
    ]);
    expect(interfaceChanges(before, cached())).toEqual([]);
  });
});
