/**
 * Deterministic random feeds for a model's inputs. Each input draws from its
 * own stream seeded by (seed, input name), so adding an input never changes
 * the values of the others.
 */
import { BUDGET_ENV, BUDGETS } from '../util/budgets.js';
import { namedStream } from '../util/random.js';
import { PruneguardError } from '../errors.js';
import { allocate, floatToBfloat, floatToHalf, numel } from '../ir/tensor.js';
import type { Dim, Model, Tensor, ValueInfo } from '../ir/types.js';
import type { Feeds } from './run.js';

export interface RandomInputOptions {
  seed: number;
  /** Integer inputs are token ids drawn from [0, vocab). Default: [0, 10). */
  vocab?: number;
  /** Floats are drawn uniformly from [lo, hi). Default [-1, 1). */
  floatRange?: readonly [number, number];
  /** Sizes for symbolic dims by name ("batch": 2), used when an input has no entry in `sizes`. */
  dims?: Record<string, number>;
}

/** The graph inputs a caller must feed: initializers listed as inputs are optional overrides and skipped. */
export function feedableInputs(model: Model): ValueInfo[] {
  return model.graph.inputs.filter((i) => !model.graph.initializers.has(i.name));
}

/**
 * Seeded random feeds for a model's inputs at the given sizes (token ids below the vocabulary for integer inputs).
 * @param sizes concrete dims per input name; inputs with fully concrete static shapes may be omitted.
 * @example randomInputs(model, { tokens: [2, 16] }, { seed: 1, vocab: 1000 })
 */
export function randomInputs(
  modelOrSpecs: Model | readonly ValueInfo[],
  sizes: Record<string, readonly number[]>,
  options: RandomInputOptions,
): Feeds {
  const specs = Array.isArray(modelOrSpecs)
    ? (modelOrSpecs as readonly ValueInfo[])
    : feedableInputs(modelOrSpecs as Model);
  const [lo, hi] = options.floatRange ?? [-1, 1];
  const vocab = options.vocab ?? 10;
  if (!(hi > lo)) throw new PruneguardError('E_BAD_ARGUMENT', `floatRange [${lo}, ${hi}] is empty`);
  if (!Number.isSafeInteger(vocab) || vocab < 1)
    throw new PruneguardError('E_BAD_ARGUMENT', `vocab must be a positive integer, got ${vocab}`);
  const known = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(sizes)) {
    if (!known.has(name))
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `sizes names '${name}', which is not an input (inputs: ${[...known].join(', ')})`,
      );
  }
  const feeds: Feeds = {};
  for (const spec of specs) {
    const dims = resolveDims(spec, sizes[spec.name], options.dims ?? {});
    // One seeded stream per input: adding an input never changes the values of the others.
    const next = namedStream(options.seed, spec.name);
    feeds[spec.name] = fill(spec, dims, next, lo, hi, vocab);
  }
  return feeds;
}

function resolveDims(spec: ValueInfo, given: readonly number[] | undefined, named: Record<string, number>): number[] {
  const shape = spec.shape;
  const show = (s: readonly Dim[] | undefined) => (s ? `[${s.map((d) => d ?? '?').join(',')}]` : 'unknown rank');
  if (given) {
    if (given.some((d) => !Number.isSafeInteger(d) || d < 0))
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `sizes for '${spec.name}' must be non-negative integers, got [${given.join(',')}]`,
      );
    const clash =
      shape && (shape.length !== given.length || shape.some((d, i) => typeof d === 'number' && d !== given[i]));
    if (clash)
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `sizes [${given.join(',')}] for '${spec.name}' do not fit its declared shape ${show(shape)}`,
      );
    return [...given];
  }
  if (!shape) throw new PruneguardError('E_BAD_ARGUMENT', `input '${spec.name}' has ${show(shape)}: give its sizes`);
  return shape.map((d) => {
    if (typeof d === 'number') return d;
    if (typeof d === 'string' && named[d] !== undefined) return named[d];
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `input '${spec.name}' has shape ${show(shape)}: give its sizes (or a size for '${d ?? '?'}')`,
    );
  });
}

/**
 * Inputs larger than BUDGETS.feedElements (2^24 elements, 64 MiB of float32, by default) are refused rather than
 * allocated.
 */
export const MAX_INPUT_ELEMENTS = BUDGETS.feedElements;

function fill(spec: ValueInfo, dims: number[], next: () => number, lo: number, hi: number, vocab: number): Tensor {
  const dtype = spec.dtype ?? 'float32';
  const n = numel(dims);
  if (n > MAX_INPUT_ELEMENTS) {
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `input '${spec.name}' of shape [${dims.join(',')}] has ${n} elements, ` +
        `more than the ${MAX_INPUT_ELEMENTS} pruneguard will generate; give it smaller sizes ` +
        `(or raise ${BUDGET_ENV.feedElements})`,
    );
  }
  const data = allocate(dtype, n) as unknown as { [i: number]: number | bigint | string };
  const uniform = () => lo + (hi - lo) * next();
  for (let i = 0; i < n; i++) {
    switch (dtype) {
      case 'float32':
      case 'float64':
        data[i] = uniform();
        break;
      case 'float16':
        data[i] = floatToHalf(uniform());
        break;
      case 'bfloat16':
        data[i] = floatToBfloat(uniform());
        break;
      case 'bool':
        data[i] = next() < 0.5 ? 0 : 1;
        break;
      case 'int64':
      case 'uint64':
        data[i] = BigInt(Math.floor(next() * vocab));
        break;
      case 'string':
        data[i] = `s${Math.floor(next() * vocab)}`;
        break;
      default:
        data[i] = Math.floor(next() * vocab);
    }
  }
  return { dtype, dims, data: data as unknown as Tensor['data'] };
}
