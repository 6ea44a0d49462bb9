/** The flat view: one namespace over every scope, editing the nested model it views. */
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './builder/graph-builder.js';
import { flatView, nestedOf, refreshView, syncScopes } from './flat-scopes.js';
import { indexGraph } from './graph-index.js';
import { uniqueScopeNames } from './scope-names.js';
import { fromNumbers } from './tensor.js';
import type { Graph, Model } from './types.js';

/** x -> conv -> If(mean > 0) { conv held by the branch } else { x }: the then-branch owns its weights. */
function branchOwningWeights(): Model {
  const b = new GraphBuilder({ seed: 2, opset: 17 });
  const x = b.conv(b.input('x', 'float32', [1, 2, 4, 4]), 3, { kernel: 1, name: 'stem' });
  const y = b.ifThenElse(
    b.greater(b.meanAll(x), 0),
    () => b.conv(x, 3, { kernel: 1, name: 'inner' }),
    () => x,
    { ownWeights: true },
  );
  b.output(y, 'y');
  return b.build();
}

const then = (m: Model): Graph => m.graph.nodes.find((n) => n.opType === 'If')!.subgraphs!.then_branch;

describe('flatView', () => {
  it('is the model itself without subgraphs', () => {
    const b = new GraphBuilder({ opset: 17 });
    b.output(b.relu(b.input('x', 'float32', [2])), 'y');
    const m = b.build();
    expect(flatView(m)).toBe(m);
  });

  it('lists every scope’s nodes and initializers; writes go to the scope that holds the name', () => {
    const m = branchOwningWeights();
    const view = flatView(m);
    expect(nestedOf(view)).toBe(m);
    const inner = [...then(m).initializers.keys()];
    expect(inner.length).toBeGreaterThan(0);
    expect(inner.filter((name) => !view.graph.initializers.has(name))).toEqual([]);
    expect(view.graph.nodes.length).toBeGreaterThan(m.graph.nodes.length);
    // A branch node reading an outer value is a plain consumer there, not an implicit use.
    const index = indexGraph(view.graph);
    expect(index.implicitUses.size).toBe(0);
    const sliced = fromNumbers('float32', [1], [1]);
    view.graph.initializers.set(inner[0], sliced);
    expect(then(m).initializers.get(inner[0])).toBe(sliced);
    view.graph.initializers.set('fresh', sliced);
    expect(m.graph.initializers.get('fresh')).toBe(sliced);
    expect(view.graph.initializers.size).toBe(m.graph.initializers.size + then(m).initializers.size);
  });

  it('places a node added to the view in the scope of the node before it; refreshView undoes the list', () => {
    const m = branchOwningWeights();
    const view = flatView(m);
    const conv = then(m).nodes.find((n) => n.opType === 'Conv')!;
    const added = { ...conv, name: 'added', outputs: ['added_out'] };
    view.graph.nodes.splice(view.graph.nodes.indexOf(conv) + 1, 0, added);
    syncScopes(view);
    expect(then(m).nodes[then(m).nodes.indexOf(conv) + 1]).toBe(added);
    then(m).nodes.splice(then(m).nodes.indexOf(added), 1);
    refreshView(view);
    expect(view.graph.nodes).not.toContain(added);
  });
});

describe('uniqueScopeNames', () => {
  it('renames a name two sibling branches both define, in that branch only, with its reads', () => {
    const m = branchOwningWeights();
    const node = m.graph.nodes.find((n) => n.opType === 'If')!;
    const [thenG, elseG] = [node.subgraphs!.then_branch, node.subgraphs!.else_branch];
    // Make the else branch define the then-branch's output name too (valid ONNX: sibling scopes).
    const shared = thenG.outputs[0].name;
    const old = elseG.outputs[0].name;
    for (const n of elseG.nodes) n.outputs = n.outputs.map((o) => (o === old ? shared : o));
    elseG.outputs[0].name = shared;
    expect(uniqueScopeNames(m)).toBe(1);
    expect(thenG.outputs[0].name).toBe(shared);
    expect(elseG.outputs[0].name).toBe(`${shared}__s1`);
    expect(elseG.nodes.flatMap((n) => n.outputs)).toContain(`${shared}__s1`);
    expect(uniqueScopeNames(m)).toBe(0);
  });
});
