/**
 * What PyTorch's exporter does to value-identical parameters: keeps one
 * initializer and re-creates every other name with an `Identity` of it (fresh
 * norm scales and biases, repeated shape vectors, equal scalars). Generated
 * graphs go through it on request so the pruner meets the aliasing real
 * exports have.
 */
import { createHash } from 'node:crypto';
import type { Model, Node, TensorData } from '../ir/types.js';

function fingerprint(dtype: string, dims: readonly number[], data: TensorData): string {
  const h = createHash('sha1').update(`${dtype}[${dims.join(',')}]`);
  if (Array.isArray(data)) h.update(data.join('\u0000'));
  else {
    const v = data as Exclude<TensorData, string[]>;
    h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  }
  return h.digest('hex');
}

export function dedupInitializers(model: Model): Model {
  const graph = model.graph;
  const inputs = new Set(graph.inputs.map((i) => i.name));
  const first = new Map<string, string>();
  const aliases: Node[] = [];
  const initializers = new Map(graph.initializers);
  for (const [name, t] of graph.initializers) {
    if (inputs.has(name)) continue;
    const key = fingerprint(t.dtype, t.dims, t.data);
    const kept = first.get(key);
    if (kept === undefined) {
      first.set(key, name);
      continue;
    }
    initializers.delete(name);
    aliases.push({
      name: `Identity_${aliases.length}`,
      opType: 'Identity',
      domain: '',
      inputs: [kept],
      outputs: [name],
      attributes: [],
    });
  }
  if (aliases.length === 0) return model;
  return { ...model, graph: { ...graph, nodes: [...aliases, ...graph.nodes], initializers } };
}
