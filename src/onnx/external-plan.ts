/**
 * Which tensors of a model go to its external-data file, and where: initializers and the
 * tensors of Constant-node (and any tensor-valued) attributes alike, by the ONNX convention
 * (`location`, `offset`, `length`). Offsets are aligned (4 KiB for tensors of 1 MiB or more, so
 * a runtime can memory-map them; 64 bytes otherwise).
 */
import type { Graph, Model, Tensor } from '../ir/types.js';
import type { Placements } from './encode.js';
import { dataBytes, tensorByteLength } from './tensor-encode.js';
import { storedBytes } from './tensor-store.js';
import type { Part } from './wire/writer.js';

export interface ExternalDataPlan {
  location: string;
  placements: Placements;
  /** The data file's contents in order: zero padding then each tensor's bytes. */
  writes: { padding: number; source: Part }[];
}

export function planExternalData(model: Model, location: string, sizeThreshold: number): ExternalDataPlan {
  const placements: Placements = new Map();
  const writes: ExternalDataPlan['writes'] = [];
  let end = 0;
  for (const t of tensorsOf(model.graph)) {
    if (t.dtype === 'string' || placements.has(t)) continue;
    const length = tensorByteLength(t);
    if (length < sizeThreshold || length === 0) continue;
    const align = length >= 1 << 20 ? 4096 : 64;
    const offset = Math.ceil(end / align) * align;
    writes.push({ padding: offset - end, source: storedBytes(t) ?? dataBytes(t) });
    placements.set(t, { kind: 'external', location, offset, length });
    end = offset + length;
  }
  return { location, placements, writes };
}

function* tensorsOf(g: Graph): Generator<Tensor> {
  yield* g.initializers.values();
  for (const n of g.nodes) {
    for (const a of n.attributes) {
      if (a.t) yield a.t;
      if (a.tensors) yield* a.tensors;
    }
  }
}
