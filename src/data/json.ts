/**
 * The JSON form of an evaluation set, for small hand-written sets:
 * `{"inputs": {"x": [[...]]}, "labels": [...], "slices": {"long": [0,1]},
 *   "lengths": {"x": [3,5]}, "dtypes": {"x": "int64"}}`.
 * Inputs without a stated dtype take the model's input dtype when bound.
 */
import { PruneguardError } from '../errors.js';
import { fromNumbers } from '../ir/tensor.js';
import type { DType, Tensor } from '../ir/types.js';
import type { ClassifyOptions, EvalSet } from './eval-set.js';
import { evalSetFromArrays } from './eval-set.js';

const DTYPES = new Set<DType>([
  'float32',
  'float64',
  'float16',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'uint64',
  'bool',
]);

/** A rectangular nested number array → dims + flat values. */
export function nestedToTensor(value: unknown, dtype: DType, where: string): Tensor {
  const dims: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]) dims.push(v.length);
  const flat: number[] = [];
  const walk = (v: unknown, depth: number, path: string): void => {
    if (depth === dims.length) {
      if (typeof v === 'boolean') flat.push(v ? 1 : 0);
      else if (typeof v === 'number' && Number.isFinite(v)) flat.push(v);
      else throw new PruneguardError('E_BAD_DATA', `${where}${path}: expected a number, got ${JSON.stringify(v)}`);
      return;
    }
    if (!Array.isArray(v) || v.length !== dims[depth]) {
      throw new PruneguardError(
        'E_BAD_DATA',
        `${where}${path}: ragged array (expected ${dims[depth]} elements at depth ${depth})`,
      );
    }
    v.forEach((x, i) => walk(x, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, '');
  return fromNumbers(dtype, dims, flat);
}

function record(value: unknown, what: string, source: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PruneguardError('E_BAD_DATA', `${source}: '${what}' must be an object of named arrays`);
  }
  return value as Record<string, unknown>;
}

/** An evaluation set from parsed JSON (`{"x": [[...]], "labels": [...]}`), validated against its shape rules. */
export function evalSetFromJson(json: unknown, source = '<json>', options: ClassifyOptions = {}): EvalSet {
  const top = record(json, '<top level>', source);
  const unknownKeys = Object.keys(top).filter((k) => !['inputs', 'labels', 'slices', 'lengths', 'dtypes'].includes(k));
  if (unknownKeys.length)
    throw new PruneguardError(
      'E_BAD_DATA',
      `${source}: unknown key(s) ${unknownKeys.join(', ')} (expected inputs, labels, slices, lengths, dtypes)`,
    );
  const dtypes = record(top.dtypes, 'dtypes', source);
  const arrays = new Map<string, Tensor>();
  const loose = new Set<string>();
  for (const [name, v] of Object.entries(record(top.inputs, 'inputs', source))) {
    const dtype = dtypes[name];
    if (dtype !== undefined && !DTYPES.has(dtype as DType))
      throw new PruneguardError('E_BAD_DATA', `${source}: dtypes.${name} '${String(dtype)}' is not a known dtype`);
    if (dtype === undefined) loose.add(name);
    arrays.set(name, nestedToTensor(v, (dtype as DType | undefined) ?? 'float64', `${source}: inputs.${name}`));
  }
  if (top.labels !== undefined) arrays.set('labels', nestedToTensor(top.labels, 'float64', `${source}: labels`));
  for (const [name, v] of Object.entries(record(top.slices, 'slices', source)))
    arrays.set(`slice_${name}`, nestedToTensor(v, 'float64', `${source}: slices.${name}`));
  for (const [name, v] of Object.entries(record(top.lengths, 'lengths', source))) {
    if (!arrays.has(name)) throw new PruneguardError('E_BAD_DATA', `${source}: lengths.${name} names no input`);
    arrays.set(`${name}_lengths`, nestedToTensor(v, 'float64', `${source}: lengths.${name}`));
  }
  return evalSetFromArrays(arrays, source, { ...options, looseDtypes: loose });
}
