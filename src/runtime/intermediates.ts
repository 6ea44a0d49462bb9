/**
 * A copy of a model whose graph outputs also include intermediate values, so a
 * run shows the real shape of every value (to compare with static inference).
 */
import { PruneguardError } from '../errors.js';
import type { Model, ValueInfo } from '../ir/types.js';

/**
 * A copy of the model with intermediate values added as graph outputs, so onnxruntime returns them.
 * @param names values to expose (default: every node output that is not already a graph output).
 * The original model is not modified; nodes and initializers are shared, not copied.
 * onnxruntime accepts graph outputs without a declared type, so none is invented here:
 * a declared value_info type is reused when the graph has one.
 */
export function exposeIntermediates(model: Model, names?: readonly string[]): Model {
  const g = model.graph;
  const produced = new Set(g.nodes.flatMap((n) => n.outputs).filter((o) => o !== ''));
  const already = new Set(g.outputs.map((o) => o.name));
  const wanted = names ?? [...produced];
  const unknown = wanted.filter(
    (n) => !produced.has(n) && !already.has(n) && !g.initializers.has(n) && !g.inputs.some((i) => i.name === n),
  );
  if (unknown.length) {
    throw new PruneguardError(
      'E_UNKNOWN_TENSOR',
      `exposeIntermediates: no value named ${unknown.map((n) => `'${n}'`).join(', ')} in graph '${g.name}'`,
    );
  }
  const declared = new Map(g.valueInfo.map((v) => [v.name, v]));
  const extra: ValueInfo[] = [];
  for (const name of new Set(wanted)) {
    if (already.has(name)) continue;
    const info = declared.get(name);
    // Keep the declared dtype but not the declared shape: a stale shape would make ORT reject the real one.
    extra.push(info?.dtype ? { name, dtype: info.dtype } : { name });
  }
  return { ...model, graph: { ...g, outputs: [...g.outputs, ...extra] } };
}
