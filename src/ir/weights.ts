/**
 * The stored parameters of a model, in every scope: initializers and `Constant` nodes of the main
 * graph and of each subgraph (If branches, Loop/Scan bodies). One definition serves the parameter
 * counts (`inspect`, `prune`) and the coverage report, so they can never disagree.
 *
 * A parameter is a floating-point tensor, or an int8/uint8 one (quantized weights and their zero
 * points: `ConvInteger`, `QLinearConv`, QDQ). Integer shape vectors and indices are not.
 * An initializer listed as a graph input (old IR) is a parameter unless the graph's
 * `runtimeInputs` say it is fed at run time.
 */
import { constantNodeValue } from './constants.js';
import { forEachScope, type ScopeStep } from './scopes.js';
import { isFloating, numel } from './tensor.js';
import type { DType, Model, Tensor } from './types.js';

export interface StoredWeight {
  /** Initializer name, or the `Constant` node's output. */
  name: string;
  tensor: Tensor;
  kind: 'initializer' | 'constant-node';
  /** Empty for the main graph; else the nodes and attributes of the subgraphs that hold it. */
  scope: readonly ScopeStep[];
}

export function isParameterDtype(dtype: DType): boolean {
  return isFloating(dtype) || dtype === 'int8' || dtype === 'uint8';
}

export function storedWeights(model: Model): StoredWeight[] {
  const out: StoredWeight[] = [];
  forEachScope(model.graph, (g, scope) => {
    for (const [name, tensor] of g.initializers) {
      if (g.runtimeInputs?.has(name) || !isParameterDtype(tensor.dtype)) continue;
      out.push({ name, tensor, kind: 'initializer', scope });
    }
    for (const node of g.nodes) {
      if (node.opType !== 'Constant' || (node.domain !== '' && node.domain !== 'ai.onnx')) continue;
      const tensor = constantNodeValue(node);
      if (tensor && isParameterDtype(tensor.dtype))
        out.push({ name: node.outputs[0], tensor, kind: 'constant-node', scope });
    }
  });
  return out;
}

/** Elements of every stored parameter, in every scope. */
export function countParameters(model: Model): number {
  let n = 0;
  for (const w of storedWeights(model)) n += numel(w.tensor.dims);
  return n;
}
