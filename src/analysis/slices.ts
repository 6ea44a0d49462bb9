/**
 * Slices: subsets of the evaluation data with their own thresholds. They come
 * from the data (`slice_<name>` arrays), from input length ranges (using
 * `<input>_lengths`) or from label sets (rare classes). `all` (the aggregate)
 * is always the first slice.
 */
import { PruneguardError } from '../errors.js';
import type { EvalResult } from '../data/evaluate.js';

/** Thresholds in points (0–100). With neither field set, `{ maxDrop: 2 }` applies. */
export interface SliceThreshold {
  /** Largest allowed drop of the slice metric vs the dense model, absolute points. */
  maxDrop?: number;
  /** Smallest allowed slice metric of the pruned model, points. */
  minMetric?: number;
}

/** The threshold of a slice that sets none: a drop of at most 2 points. */
export const DEFAULT_THRESHOLD: Readonly<SliceThreshold> = Object.freeze({ maxDrop: 2 });

/** A data slice to judge separately: a `slice_<name>` array, a length range or a set of labels, with its threshold. */
export type SliceDef =
  /** A `slice_<name>` array of the data (only to set its threshold: data slices are found automatically). */
  | { name: string; threshold?: SliceThreshold }
  /** Examples whose `<input>_lengths` lies in [min, max] (inclusive). */
  | { name: string; lengths: readonly [number, number]; input?: string; threshold?: SliceThreshold }
  /** Examples whose label is one of `labels`. */
  | { name: string; labels: readonly number[]; threshold?: SliceThreshold };

export interface ResolvedSlice {
  name: string;
  kind: 'all' | 'data' | 'lengths' | 'labels';
  /** Human description ("tokens length 65–128", "labels {8}"). */
  description: string;
  indices: Int32Array;
  threshold: SliceThreshold;
}

export type SliceSource = Pick<EvalResult, 'count' | 'labels' | 'slices' | 'lengths'>;

function bad(message: string): PruneguardError {
  return new PruneguardError('E_BAD_DATA', message);
}

function where(count: number, keep: (i: number) => boolean): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (keep(i)) out.push(i);
  return Int32Array.from(out);
}

export interface ResolveOptions {
  /** Threshold for slices without their own (default `{ maxDrop: 2 }`). */
  defaultThreshold?: SliceThreshold;
  /** Threshold of the aggregate slice `all` (default: `defaultThreshold`). */
  aggregateThreshold?: SliceThreshold;
}

/**
 * Every slice of `data` plus the configured ones, each with its example
 * indices and threshold.
 * @throws PruneguardError('E_BAD_DATA') for an empty slice, a slice naming data that is absent, or a duplicate name.
 */
export function resolveSlices(
  data: SliceSource,
  defs: readonly SliceDef[] = [],
  options: ResolveOptions = {},
): ResolvedSlice[] {
  const dflt = options.defaultThreshold ?? DEFAULT_THRESHOLD;
  const out: ResolvedSlice[] = [
    {
      name: 'all',
      kind: 'all',
      description: 'all examples',
      indices: where(data.count, () => true),
      threshold: options.aggregateThreshold ?? dflt,
    },
  ];
  const byName = new Map(defs.map((d) => [d.name, d]));
  if (byName.size !== defs.length) throw bad(`slice names must be unique (got ${defs.map((d) => d.name).join(', ')})`);
  for (const [name, mask] of Object.entries(data.slices)) {
    out.push({
      name,
      kind: 'data',
      description: `slice_${name} in the data`,
      indices: where(data.count, (i) => mask[i] === 1),
      threshold: byName.get(name)?.threshold ?? dflt,
    });
  }
  for (const d of defs) {
    if (d.name === 'all') throw bad("'all' is the aggregate slice; use aggregateThreshold to set its threshold");
    if ('lengths' in d) {
      const [min, max] = d.lengths;
      const inputs = Object.keys(data.lengths);
      const input = d.input ?? (inputs.length === 1 ? inputs[0] : undefined);
      const lengths = input === undefined ? undefined : data.lengths[input];
      if (!lengths)
        throw bad(
          `slice '${d.name}' selects by length but the data has ` +
            (d.input
              ? `no '${d.input}_lengths'`
              : inputs.length
                ? `several length arrays (${inputs.join(', ')}); name one with 'input'`
                : 'no <input>_lengths array'),
        );
      if (!(min <= max)) throw bad(`slice '${d.name}': length range [${min}, ${max}] is empty`);
      if (d.name in data.slices) throw bad(`slice '${d.name}' is defined both in the data and by lengths`);
      out.push({
        name: d.name,
        kind: 'lengths',
        description: `${input} length ${min}–${max}`,
        indices: where(data.count, (i) => lengths[i] >= min && lengths[i] <= max),
        threshold: d.threshold ?? dflt,
      });
    } else if ('labels' in d) {
      const labels = data.labels;
      if (!labels) throw bad(`slice '${d.name}' selects by label but the data has no 'labels'`);
      if (d.name in data.slices) throw bad(`slice '${d.name}' is defined both in the data and by labels`);
      const set = new Set(d.labels);
      out.push({
        name: d.name,
        kind: 'labels',
        description: `labels {${[...set].join(', ')}}`,
        indices: where(data.count, (i) => set.has(labels[i])),
        threshold: d.threshold ?? dflt,
      });
    } else if (!(d.name in data.slices)) {
      throw bad(
        `slice '${d.name}' is configured but the data has no 'slice_${d.name}' array ` +
          `(data slices: ${Object.keys(data.slices).join(', ') || 'none'})`,
      );
    }
  }
  for (const s of out) {
    if (s.indices.length === 0) throw bad(`slice '${s.name}' (${s.description}) is empty: 0 of ${data.count} examples`);
  }
  return out;
}
