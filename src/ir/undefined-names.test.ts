import { describe, expect, it } from 'vitest';
import type { Graph, Model, Node } from './types.js';
import { undefinedNames } from './undefined-names.js';

const node = (
  name: string,
  opType: string,
  inputs: string[],
  outputs: string[],
  subgraphs?: Record<string, Graph>,
): Node => ({ name, opType, domain: '', inputs, outputs, attributes: [], ...(subgraphs ? { subgraphs } : {}) });
const graph = (nodes: Node[], outputs: string[], initializers: string[] = [], inputs: string[] = []): Graph => ({
  name: 'g',
  nodes,
  inputs: inputs.map((name) => ({ name })),
  outputs: outputs.map((name) => ({ name })),
  initializers: new Map(
    initializers.map((n) => [n, { dtype: 'float32' as const, dims: [1], data: new Float32Array(1) }]),
  ),
  valueInfo: [],
});
const model = (g: Graph): Model => ({
  graph: g,
  irVersion: 8,
  opsetImports: [{ domain: '', version: 17 }],
  producerName: '',
  producerVersion: '',
  domain: '',
  modelVersion: 0,
  docString: '',
  metadata: [],
});

describe('undefinedNames', () => {
  const branch = (weight: string) => graph([node('mul', 'Mul', ['x', weight], ['y'])], ['y']);
  const withIf = (initializers: string[]) =>
    model(
      graph(
        [
          node('if', 'If', ['c'], ['out'], {
            then_branch: branch('w'),
            else_branch: graph([node('id', 'Identity', ['x'], ['z'])], ['z']),
          }),
        ],
        ['out'],
        initializers,
        ['x', 'c'],
      ),
    );

  it('accepts a branch reading a main-graph weight', () => {
    expect(undefinedNames(withIf(['w']))).toEqual([]);
  });

  it('names a weight a branch reads that the main graph lost, and where it is read', () => {
    expect(undefinedNames(withIf([]))).toEqual([{ name: 'w', where: 'node if (If) > then_branch: node mul (Mul)' }]);
  });

  it('does not let a branch see its sibling branch', () => {
    const m = model(
      graph(
        [
          node('if', 'If', ['c'], ['out'], {
            then_branch: graph([node('a', 'Relu', ['x'], ['t'])], ['t']),
            else_branch: graph([], ['t']),
          }),
        ],
        ['out'],
        [],
        ['x', 'c'],
      ),
    );
    expect(undefinedNames(m)).toEqual([{ name: 't', where: 'node if (If) > else_branch: graph output' }]);
  });
});
