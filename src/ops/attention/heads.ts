/**
 * Heads inside one fused node. A fused attention op (ONNX `Attention`, onnxruntime's `Attention`,
 * `MultiHeadAttention`, `GroupQueryAttention`) carries the same heads on several ports: query, key and
 * value features, the output, the KV cache's head axis, a packed projection's columns. Each port is
 * described by its map from one *canonical* port (the query features, or a fused projection's
 * output features). A port links back to the canonical one through the inverse of its map; the
 * canonical port links to all of them and ties its features into whole heads, so a head (or, for
 * grouped-query attention, a KV head and the query heads it serves) is one channel.
 */
import { invertMap, type IndexMap } from '../index-map.js';
import { blocked, type Link, type Port, type RuleResult, type Tie } from '../channel-rule.js';

/** A port carrying heads: `map` takes canonical elements to this port's elements. */
export interface HeadPort extends Port {
  map: IndexMap;
  /** Elements per head on this port, when it holds features (reports show the head size). */
  headSize?: number;
}

export interface HeadLayout {
  canonical: Port;
  /** Features per channel on the canonical port (1 when its axis counts heads). */
  unit: number;
  /** Features per query head on the canonical port (the reported head size). */
  headSize: number;
  /** Every other port that carries the heads (a port may appear with several maps: q, k, v thirds). */
  ports: HeadPort[];
}

const samePort = (a: Port, b: Port) => a.io === b.io && a.slot === b.slot && a.axis === b.axis;

/**
 * The links of `port` in `layout`. Heads are the batch axis of the op's internal product of two
 * activations: `attention` marks them, so the mask oracle zeroes the output projection's rows of a
 * removed head (softmax runs over keys, within one head, so that is exact).
 */
export function headLinks(port: Port, layout: HeadLayout | string): RuleResult {
  if (typeof layout === 'string') return blocked(layout);
  const { canonical, unit, headSize } = layout;
  if (samePort(port, canonical)) {
    const ties: Tie[] = unit > 1 ? [{ ...canonical, kind: 'blocks', size: unit }] : [];
    const links: Link[] = layout.ports.map((p) => ({ ...p, ...(p.headSize ? { headSize: p.headSize } : {}) }));
    return { links, ties, attention: true };
  }
  const matches = layout.ports.filter((p) => samePort(p, port));
  if (matches.length === 0) return blocked(`axis ${port.axis} of ${port.io}put ${port.slot} carries no heads`);
  const back = matches.map(
    (m): Link => ({ ...canonical, map: invertMap(m.map), ...(headSize > 1 ? { headSize } : {}) }),
  );
  return { links: back, attention: true };
}

/** The `offset` thirds of a packed [q | k | v] axis, each `width` long. */
export function thirds(io: 'in' | 'out', slot: number, axis: number, widths: readonly number[]): HeadPort[] {
  let offset = 0;
  return widths.map((w) => {
    const p: HeadPort = { io, slot, axis, map: { kind: 'offset', offset } };
    offset += w;
    return p;
  });
}
