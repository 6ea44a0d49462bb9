/**
 * Numpy-style broadcasting of shapes, classifying every stretched axis so the
 * broadcast signature of an elementwise op can be compared before and after pruning.
 */
import type { Dim } from '../ir/types.js';
import { sameDim } from './dims.js';
import type { BroadcastAxis } from './types.js';

export interface BroadcastOutcome {
  output: Dim[];
  axes: BroadcastAxis[];
  notes: string[];
  /** Axes where two concrete sizes (neither 1) differ: the op would fail at run time. */
  conflicts: { axis: number; dims: Dim[] }[];
}

/**
 * Rules per output axis, over the inputs' dims there:
 * - a 1 against anything else known is 'stretched'; a missing leading axis is 'missing';
 * - a symbol against a number N > 1 gives N (the symbol must be 1 or N), noted, not stretched;
 * - two different symbols give null (unknown), noted: neither a stretch nor a problem;
 * - two different numbers, neither 1, are a conflict (output null).
 * With `unidirectional`, input 0 fixes the output shape and only later inputs may stretch.
 */
export function broadcastShapes(shapes: readonly Dim[][], unidirectional = false): BroadcastOutcome {
  const rank = unidirectional ? shapes[0].length : Math.max(...shapes.map((s) => s.length));
  const output: Dim[] = new Array<Dim>(rank);
  const axes: BroadcastAxis[] = [];
  const notes: string[] = [];
  const conflicts: BroadcastOutcome['conflicts'] = [];
  for (let a = 0; a < rank; a++) {
    let out: Dim = 1;
    let conflict = false;
    let noted = false;
    for (let k = 0; k < shapes.length; k++) {
      const s = shapes[k];
      const off = rank - s.length;
      if (a < off) continue;
      const d = s[a - off];
      if (unidirectional && k === 0) {
        out = d;
        continue;
      }
      if (d === 1 || sameDim(d, out)) continue;
      if (out === 1 && !(unidirectional && k > 0)) {
        out = d;
        continue;
      }
      if (d === null || out === null) {
        if (d !== null && typeof out !== 'string') out = d;
        continue;
      }
      if (typeof d === 'number' && typeof out === 'number') {
        conflict = true;
        continue;
      }
      if (typeof d === 'string' && typeof out === 'string') {
        if (!noted) notes.push(`axis ${a}: symbolic ${out} vs ${d}; output unknown`);
        noted = true;
        if (!unidirectional) out = null;
        continue;
      }
      // symbol against a number
      if (!noted)
        notes.push(`axis ${a}: symbolic ${typeof d === 'string' ? d : out} vs ${typeof d === 'number' ? d : out}`);
      noted = true;
      if (typeof d === 'number' && !unidirectional) out = d;
    }
    if (conflict) {
      conflicts.push({ axis: a, dims: shapes.map((s) => (a - (rank - s.length) >= 0 ? s[a - (rank - s.length)] : 1)) });
      output[a] = null;
      continue;
    }
    output[a] = out;
    if (out === 1 || out === null) continue;
    for (let k = 0; k < shapes.length; k++) {
      const s = shapes[k];
      const off = rank - s.length;
      if (a < off) {
        axes.push({ input: k, axis: a, kind: 'missing' });
        continue;
      }
      if (s[a - off] === 1 && out !== 1) axes.push({ input: k, axis: a, kind: 'stretched' });
    }
  }
  return { output, axes, notes, conflicts };
}
