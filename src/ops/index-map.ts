/**
 * How the channels of one (value, axis) space correspond to those of another:
 * plain data, turned into element pairs in one place. A rule says "element i of
 * my port meets element j of the linked port" through one of these maps.
 */
export type IndexMap =
  /** i ↔ i (activations, BN, residual Add, Transpose with the axis remapped). */
  | { kind: 'identity' }
  /** i ↔ i + offset, only where the target index exists (Concat input → output, Split/Slice output → input). */
  | { kind: 'offset'; offset: number }
  /** i ↔ i*size + r for r < size: one channel is a block of target elements (Flatten → Gemm, heads → features). */
  | { kind: 'block'; size: number }
  /** e ↔ floor(e / size): the inverse of `block` (features → head, depthwise multiplier). */
  | { kind: 'unblock'; size: number }
  /** i ↔ i mod period (grouped conv input → weight position; tiled channels). */
  | { kind: 'modulo'; period: number }
  /** i ↔ i + k*period for every k (weight position → grouped conv inputs; the inverse of modulo). */
  | { kind: 'periodic'; period: number }
  /** kv head h ↔ q heads h*times + j (grouped-query attention: one KV head serves `times` Q heads). */
  | { kind: 'repeat'; times: number }
  /**
   * e ↔ floor(e / stride) mod radix: a digit inside a mixed-radix index (features [3·H·hd] → the head
   * digit of [3, H, hd], as ViT's fused qkv is reshaped). `unblock` is the case where no digit lies outside.
   */
  | { kind: 'digit'; stride: number; radix: number }
  /** The inverse of `digit`: h ↔ every e whose digit is h. */
  | { kind: 'undigit'; stride: number; radix: number };

/** Calls `pair(i, j)` for every element i < nFrom of the source that meets element j < nTo of the target. */
export function forEachPair(map: IndexMap, nFrom: number, nTo: number, pair: (i: number, j: number) => void): void {
  switch (map.kind) {
    case 'identity':
      for (let i = 0; i < Math.min(nFrom, nTo); i++) pair(i, i);
      return;
    case 'offset':
      for (let i = 0; i < nFrom; i++) {
        const j = i + map.offset;
        if (j >= 0 && j < nTo) pair(i, j);
      }
      return;
    case 'block':
    case 'repeat': {
      const size = map.kind === 'block' ? map.size : map.times;
      for (let i = 0; i < nFrom; i++) for (let r = 0; r < size; r++) if (i * size + r < nTo) pair(i, i * size + r);
      return;
    }
    case 'unblock':
      for (let e = 0; e < nFrom; e++) if (Math.floor(e / map.size) < nTo) pair(e, Math.floor(e / map.size));
      return;
    case 'modulo':
      for (let i = 0; i < nFrom; i++) if (i % map.period < nTo) pair(i, i % map.period);
      return;
    case 'periodic':
      for (let i = 0; i < Math.min(nFrom, map.period); i++) for (let j = i; j < nTo; j += map.period) pair(i, j);
      return;
    case 'digit':
      for (let e = 0; e < nFrom; e++) {
        const h = Math.floor(e / map.stride) % map.radix;
        if (h < nTo) pair(e, h);
      }
      return;
    case 'undigit': {
      const period = map.stride * map.radix;
      for (let h = 0; h < Math.min(nFrom, map.radix); h++) {
        for (let start = h * map.stride; start < nTo; start += period) {
          for (let e = start; e < Math.min(start + map.stride, nTo); e++) pair(h, e);
        }
      }
      return;
    }
  }
}

/** The map seen from the other side (target → source), used when a link is walked backwards. */
export function invertMap(map: IndexMap): IndexMap {
  switch (map.kind) {
    case 'identity':
      return map;
    case 'offset':
      return { kind: 'offset', offset: -map.offset };
    case 'block':
      return { kind: 'unblock', size: map.size };
    case 'unblock':
      return { kind: 'block', size: map.size };
    case 'modulo':
      return { kind: 'periodic', period: map.period };
    case 'periodic':
      return { kind: 'modulo', period: map.period };
    case 'repeat':
      return { kind: 'unblock', size: map.times };
    case 'digit':
      return { kind: 'undigit', stride: map.stride, radix: map.radix };
    case 'undigit':
      return { kind: 'digit', stride: map.stride, radix: map.radix };
  }
}

/** Short human form for reports: "identity", "+16", "block 49", ... */
export function describeMap(map: IndexMap): string {
  switch (map.kind) {
    case 'identity':
      return 'identity';
    case 'offset':
      return map.offset >= 0 ? `+${map.offset}` : `${map.offset}`;
    case 'block':
      return `block ${map.size}`;
    case 'unblock':
      return `unblock ${map.size}`;
    case 'modulo':
      return `mod ${map.period}`;
    case 'periodic':
      return `every ${map.period}`;
    case 'repeat':
      return `repeat ${map.times}`;
    case 'digit':
      return `digit ${map.stride}×${map.radix}`;
    case 'undigit':
      return `undigit ${map.stride}×${map.radix}`;
  }
}
