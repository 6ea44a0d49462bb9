/**
 * `If` as `torch.jit.script` exports it: each branch is a subgraph with no inputs whose nodes read
 * values and weights of the enclosing graph by name (the weights stay main-graph initializers, or
 * main-graph `Constant` nodes with `constants: 'constant-node'`).
 */
import type { Graph } from '../types.js';
import type { BuilderCore, Value } from './core.js';
import { fail, fmtShape } from './dims.js';

function branch(b: BuilderCore, name: string, build: () => Value, own: boolean): { graph: Graph; out: Value } {
  // Weights stay in the main graph even as Constant nodes: the branch reads them from the outer
  // scope, as torch.jit.script exports a module's parameters. `own`: the branch holds them itself
  // (initializers of the branch, Constant nodes inside it), as inlining exporters (spox) write them.
  const {
    result: out,
    nodes,
    initializers,
  } = b.capture(build, (n) => !own && n.opType === 'Constant', {
    ownWeights: own,
  });
  // A branch output must be produced inside the branch: an outer value is passed through Identity.
  if (!nodes.some((n) => n.outputs.includes(out.name))) {
    const id = b.capture(
      () =>
        b.node('Identity', [out], {
          name: b.nodeName('identity'),
          outputs: [{ dtype: out.dtype, shape: out.shape }],
        })[0],
    );
    nodes.push(...id.nodes);
    return { graph: subgraph(name, nodes, id.result, initializers), out: id.result };
  }
  return { graph: subgraph(name, nodes, out, initializers), out };
}

function subgraph(name: string, nodes: Graph['nodes'], out: Value, initializers: Graph['initializers']): Graph {
  return {
    name,
    nodes,
    inputs: [],
    outputs: [{ name: out.name, dtype: out.dtype, shape: [...out.shape] }],
    initializers,
    valueInfo: [],
  };
}

/** The mean of every element of x, a scalar: ReduceMean without axes (the same node at every opset). */
export function meanAll(b: BuilderCore, x: Value, o: { name?: string } = {}): Value {
  const name = b.nodeName('reducemean', o.name);
  return b.node('ReduceMean', [x], { name, outputs: [{ dtype: x.dtype, shape: [] }], attrs: { keepdims: 0 } })[0];
}

/** `x > y` for a scalar y: a bool value of x's shape (an If condition when x is a scalar). */
export function greater(b: BuilderCore, x: Value, y: number, o: { name?: string } = {}): Value {
  const name = b.nodeName('greater', o.name);
  const rhs = b.scalar(name, 'threshold', y, x.dtype);
  return b.node('Greater', [x, rhs], { name, outputs: [{ dtype: 'bool', shape: x.shape }] })[0];
}

/**
 * `If(cond) then then() else otherwise()`; both branches must give one value of the same dtype and shape.
 * `ownWeights`: each branch holds the weights it makes (else they are main-graph values it reads).
 */
export function ifThenElse(
  b: BuilderCore,
  cond: Value,
  then: () => Value,
  otherwise: () => Value,
  o: { name?: string; ownWeights?: boolean } = {},
): Value {
  if (cond.dtype !== 'bool' || cond.shape.length !== 0)
    fail(`If: the condition ${cond.name} must be a bool scalar, got ${cond.dtype}${fmtShape(cond.shape)}`);
  const name = b.nodeName('if', o.name);
  const t = branch(b, `${name}.then_branch`, then, o.ownWeights ?? false);
  const e = branch(b, `${name}.else_branch`, otherwise, o.ownWeights ?? false);
  if (t.out.dtype !== e.out.dtype || fmtShape(t.out.shape) !== fmtShape(e.out.shape)) {
    fail(`If ${name}: branches give ${t.out.dtype}${fmtShape(t.out.shape)} and ${e.out.dtype}${fmtShape(e.out.shape)}`);
  }
  return b.node('If', [cond], {
    name,
    outputs: [{ dtype: t.out.dtype, shape: t.out.shape }],
    subgraphs: { then_branch: t.graph, else_branch: e.graph },
  })[0];
}
