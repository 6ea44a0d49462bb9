/**
 * Input sizes a model can run at, found from the graph. Declared dims are kept; free dims are a
 * batch (2·scale) or a length (image-like spatial dims 32, others 4·scale + 1) and, when the graph
 * says the lengths are too small, the lengths double until it agrees: static shape inference at
 * the concrete sizes reports no problem the symbolic graph did not already have (a Conv or pool
 * window larger than its input, a reflect `Pad` by more than its input, a recurrent state whose
 * batch is not its input's), on a path a run can take (shape/live-problems.ts: problems inside an
 * `If` branch count only when that branch can run), and no value has an empty axis.
 *
 * A length of one input alone may be the sum of one or two other lengths (a mask over the cached and
 * the new tokens) when giving it that sum removes problems and adds none (totalOf).
 *
 * Which free dims are batches: an input's dim whose name says batch, else its axis 0; a named dim
 * that is some input's batch (one size per name, so inputs sharing "batch" or "seq" stay aligned);
 * and an unnamed dim the graph needs equal to the batch. The evidence for the last is the graph's
 * own: an unnamed dim of an input whose axis 0 is declared (a recurrent state [layers, ?, hidden]
 * carries its batch elsewhere) is a length until giving it the batch size removes problems and adds
 * none (the recurrent layer that reads it agrees only then); every other unnamed dim is a length.
 */
import { subgraphsOf } from '../ir/scopes.js';
import { numel } from '../ir/tensor.js';
import type { Dim, Graph, Model, ValueInfo } from '../ir/types.js';
import { feedableInputs } from '../runtime/index.js';
import { MAX_INPUT_ELEMENTS } from '../runtime/random-inputs.js';
import { inferShapes } from '../shape/infer.js';
import { liveProblems } from '../shape/live-problems.js';
import type { ShapeResult } from '../shape/types.js';

export type Sizes = Record<string, number[]>;

/** Largest doubling tried for a symbolic dim (2^10 × the start: 5 → 5120 samples, 32 → 32768). */
const MAX_DOUBLINGS = 10;

interface SizeProblem {
  node: string;
  rule: string;
  message: string;
}

const keyOf = (p: Pick<SizeProblem, 'node' | 'rule'>) => `${p.node}\u0000${p.rule}`;
const problemKeys = (r: ShapeResult) => new Set(r.problems.map(keyOf));

/** What the graph says is wrong with running at `sizes` (empty: nothing it knows of). */
export function sizeProblems(model: Model, sizes: Sizes, baseline = problemKeys(inferShapes(model))): string[] {
  return problemsAt(model, sizes, baseline).some.map((p) => `${p.node}: ${p.message}`);
}

/** Problems in the way of some path (`some`: a run may still take another) and of any path (`every`). */
/** Problems on some path a run can take, and on every path. */
type Found = { some: SizeProblem[]; every: SizeProblem[] };

function problemsAt(model: Model, sizes: Sizes, baseline: Set<string>): Found {
  const r = inferShapes(model, { inputShapes: sizes });
  const found: SizeProblem[] = r.problems.filter((p) => !baseline.has(keyOf(p)));
  const producers = producerLabels(model.graph);
  for (const [name, v] of r.values)
    if (v.shape?.some((d) => d === 0) && !model.graph.initializers.has(name))
      found.push({
        node: producers.get(name) ?? name,
        rule: 'empty-axis',
        message: `${name} has an empty axis [${v.shape.join(',')}]`,
      });
  return {
    some: liveProblems(found, r.branchPoints),
    every: liveProblems(found, r.branchPoints, { everyBranch: true }),
  };
}

/** Each value's producing node, labelled as shape problems label it (`IF > then_branch > node`). */
function producerLabels(graph: Graph, scope = '', out = new Map<string, string>()): Map<string, string> {
  for (const node of graph.nodes) {
    const label = node.name || node.outputs[0] || node.opType;
    for (const o of node.outputs) if (o) out.set(o, `${scope}${label}`);
    for (const [attr, g] of subgraphsOf(node)) producerLabels(g, `${scope}${label} > ${attr} > `, out);
  }
  return out;
}

type Role = 'batch' | 'length';

/** A dim of a graph input that is not declared: a batch, or a length that grows. */
interface FreeDim {
  input: string;
  axis: number;
  symbol?: string;
  role: Role;
  /** An unnamed dim the graph may need equal to the batch (see the file comment). */
  maybeBatch: boolean;
}

function freeDims(inputs: ValueInfo[], fixed: Sizes): FreeDim[] {
  // An input's batch axis: the dim whose name says batch (time-major layouts put it at axis 1), else axis 0.
  const batchAxis = (shape: readonly Dim[]) =>
    Math.max(
      0,
      shape.findIndex((d) => typeof d === 'string' && /batch/i.test(d)),
    );
  const batchSymbols = new Set<string>();
  for (const i of inputs) {
    const d = i.shape?.[batchAxis(i.shape)];
    if (!fixed[i.name] && typeof d === 'string') batchSymbols.add(d);
  }
  const out: FreeDim[] = [];
  for (const input of inputs) {
    if (fixed[input.name]) continue;
    const shape = input.shape ?? [];
    shape.forEach((d, axis) => {
      if (typeof d === 'number') return;
      const symbol = typeof d === 'string' ? d : undefined;
      const batch = axis === batchAxis(shape) || (symbol !== undefined && batchSymbols.has(symbol));
      const maybeBatch = !batch && symbol === undefined && typeof shape[0] === 'number';
      out.push({ input: input.name, axis, symbol, role: batch ? 'batch' : 'length', maybeBatch });
    });
  }
  return out;
}

/** Doublings tried past the first size some path accepts, looking for one every branch accepts. */
const EXTRA_DOUBLINGS = 3;

/**
 * Default sizes: declared dims as they are, free ones as small as the graph allows.
 * @param fixed sizes the user gave (e.g. --shape), kept as they are.
 */
export function defaultSizes(model: Model, scale = 1, fixed: Sizes = {}): Sizes {
  return chooseSizes(model, scale, fixed).sizes;
}

/**
 * Default sizes, and whether every branch of every `If` a fed value decides accepts them. Sizes
 * that every branch accepts are preferred (up to EXTRA_DOUBLINGS past the first that some path
 * accepts), so runs that feed each branch its deciding value can all run.
 */
export function chooseSizes(model: Model, scale = 1, fixed: Sizes = {}): { sizes: Sizes; everyBranch: boolean } {
  const inputs = feedableInputs(model);
  const free = freeDims(inputs, fixed);
  const start = (shape: readonly Dim[], axis: number) => (shape.length === 4 && axis >= 2 ? 32 : 4 * scale + 1);
  // A length the graph needs equal to the sum of other lengths (a mask over past + new tokens): see totalOf.
  const totals = new Map<FreeDim, FreeDim[]>();
  const at = (k: number): Sizes => {
    const bySymbol = new Map<string, number>();
    const sizeOf = (dim: FreeDim, shape: readonly Dim[]): number => {
      const size = dim.role === 'batch' ? 2 * scale : start(shape, dim.axis) * 2 ** k;
      if (dim.symbol === undefined) return size;
      if (!bySymbol.has(dim.symbol)) bySymbol.set(dim.symbol, size);
      return bySymbol.get(dim.symbol)!;
    };
    const sized = Object.fromEntries(
      inputs.map((input) => {
        if (fixed[input.name]) return [input.name, fixed[input.name]];
        const shape = input.shape ?? [];
        return [
          input.name,
          shape.map((d, axis) =>
            typeof d === 'number' ? d : sizeOf(free.find((f) => f.input === input.name && f.axis === axis)!, shape),
          ),
        ];
      }),
    );
    for (const [dim, parts] of totals)
      sized[dim.input][dim.axis] = parts.reduce((n, p) => n + sized[p.input][p.axis], 0);
    return sized;
  };
  const baseline = problemKeys(inferShapes(model));
  if (!free.some((f) => f.role === 'length')) {
    const sizes = at(0);
    return { sizes, everyBranch: problemsAt(model, sizes, baseline).every.length === 0 };
  }
  const fits = (sizes: Sizes) => !Object.values(sizes).some((dims) => numel(dims) > MAX_INPUT_ELEMENTS);
  let somePath: Sizes | undefined;
  for (let k = 0, extra = 0; k <= MAX_DOUBLINGS && extra <= EXTRA_DOUBLINGS; k++, extra += somePath ? 1 : 0) {
    let sizes = at(k);
    if (!fits(sizes)) break;
    let found = problemsAt(model, sizes, baseline);
    for (const dim of free) {
      if (found.some.length === 0) break;
      if (!dim.maybeBatch || dim.role === 'batch') continue;
      dim.role = 'batch';
      const asBatch = at(k);
      const then = problemsAt(model, asBatch, baseline);
      if (removesOnly(found.some, then.some)) [sizes, found] = [asBatch, then];
      else dim.role = 'length';
    }
    for (const dim of free) {
      if (found.some.length === 0) break;
      const then = totalOf(dim, free, totals, () => problemsAt(model, at(k), baseline), found);
      if (then) [sizes, found] = [at(k), then];
    }
    if (found.every.length === 0) return { sizes, everyBranch: true };
    if (found.some.length === 0) somePath ??= sizes;
  }
  // Nothing on the ladder satisfies the graph: run at the smallest, and let the dense model say why.
  return { sizes: somePath ?? at(0), everyBranch: false };
}

/**
 * Whether `dim`, a length of one input alone, is the sum of other lengths: an attention mask over the
 * cached and the new tokens ([batch, past + seq]) must match the keys' length, which the graph
 * computes by concatenating the past with the new keys. The graph says so: giving it the sum of one
 * or two other lengths removes problems and adds none. Records the first such sum in `totals` and
 * returns the problems left, or leaves `totals` as it was and returns undefined.
 */
function totalOf(
  dim: FreeDim,
  free: readonly FreeDim[],
  totals: Map<FreeDim, FreeDim[]>,
  problemsNow: () => Found,
  problems: Found,
): Found | undefined {
  const sameLength = (a: FreeDim, b: FreeDim) => a === b || (a.symbol !== undefined && a.symbol === b.symbol);
  if (dim.role !== 'length' || totals.has(dim) || free.some((f) => f !== dim && sameLength(f, dim))) return undefined;
  // One representative per other length (inputs sharing a name share a size).
  const others = free.filter(
    (f, i) =>
      f.role === 'length' && !sameLength(f, dim) && !totals.has(f) && free.findIndex((g) => sameLength(g, f)) === i,
  );
  // One other length, or two (past + new tokens); more would be a search, not evidence.
  const candidates: FreeDim[][] = others.map((f) => [f]);
  for (let i = 0; i < others.length; i++)
    for (let j = i + 1; j < others.length; j++) candidates.push([others[i], others[j]]);
  for (const parts of candidates) {
    totals.set(dim, parts);
    const found = problemsNow();
    if (removesOnly(problems.some, found.some)) return found;
    totals.delete(dim);
  }
  return undefined;
}

/** True when `after` is `before` less at least one problem (by node and rule): evidence, not a trade. */
function removesOnly(before: SizeProblem[], after: SizeProblem[]): boolean {
  const had = new Set(before.map(keyOf));
  const has = new Set(after.map(keyOf));
  return has.size < had.size && [...has].every((k) => had.has(k));
}
