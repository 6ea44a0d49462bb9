/**
 * Checks an evaluation set against a model's inputs. Issues are collected as
 * data (array, expected, received) and thrown together as one E_BAD_DATA, so a
 * user fixes every problem in one pass.
 */
import { listProblems } from '../util/budgets.js';
import { PruneguardError } from '../errors.js';
import { fromNumbers, toNumbers, isFloating } from '../ir/tensor.js';
import type { Dim, Model, Tensor, ValueInfo } from '../ir/types.js';
import type { EvalSet } from './eval-set.js';

/**
 * One problem with evaluation data against the model (missing input, wrong dtype or shape): data, collected with the
 * others.
 */
export interface DataIssue {
  array: string;
  message: string;
  expected?: string;
  received?: string;
}

const fmtShape = (dims: readonly Dim[] | undefined): string =>
  dims ? `[${dims.map((d) => d ?? '?').join(',')}]` : '[unknown rank]';

/** The graph inputs a caller must feed (initializers listed as inputs have defaults). */
export function feedInputs(model: Pick<Model, 'graph'>): ValueInfo[] {
  return model.graph.inputs.filter((i) => !model.graph.initializers.has(i.name));
}

function cast(t: Tensor, dtype: NonNullable<ValueInfo['dtype']>, name: string, issues: DataIssue[]): Tensor {
  if (t.dtype === dtype) return t;
  const values = toNumbers(t);
  if (!isFloating(dtype) && values.some((v) => !Number.isInteger(v))) {
    issues.push({
      array: name,
      message: `input '${name}' must hold integers for a ${dtype} model input`,
      expected: dtype,
      received: 'non-integer numbers',
    });
    return t;
  }
  return fromNumbers(dtype, t.dims, values);
}

/** Every problem of an evaluation set against the model's inputs (empty when it fits). */
export function checkEvalSet(set: EvalSet, inputs: readonly ValueInfo[]): DataIssue[] {
  const issues: DataIssue[] = [];
  const arrays = Object.keys(set.inputs);
  for (const vi of inputs) {
    const t = set.inputs[vi.name];
    const expected = `${vi.dtype ?? '?'}${fmtShape(vi.shape)}`;
    if (!t) {
      issues.push({
        array: vi.name,
        message: `missing input '${vi.name}' (data has ${arrays.join(', ') || 'no input arrays'})`,
        expected,
        received: 'absent',
      });
      continue;
    }
    const received = `${t.dtype}[${t.dims.join(',')}]`;
    if (vi.dtype && t.dtype !== vi.dtype && !set.looseDtypes?.has(vi.name)) {
      issues.push({
        array: vi.name,
        message: `input '${vi.name}' has dtype ${t.dtype}, the model expects ${vi.dtype} (save it with .astype(...))`,
        expected,
        received,
      });
    }
    if (!vi.shape) continue;
    if (vi.shape.length !== t.dims.length) {
      issues.push({
        array: vi.name,
        message: `input '${vi.name}' has rank ${t.dims.length}, the model expects rank ${vi.shape.length}`,
        expected,
        received,
      });
      continue;
    }
    const lengths = set.lengths[vi.name];
    for (let axis = 1; axis < vi.shape.length; axis++) {
      const d = vi.shape[axis];
      if (typeof d !== 'number') continue;
      if (axis === 1 && lengths) {
        if (lengths.some((l) => l !== d)) {
          issues.push({
            array: `${vi.name}_lengths`,
            message:
              `input '${vi.name}' has a fixed length ${d} on axis 1 in the model, ` +
              `so per-example lengths cannot vary`,
            expected: `all ${d}`,
            received: 'varying lengths',
          });
        }
      } else if (d !== t.dims[axis]) {
        issues.push({
          array: vi.name,
          message: `input '${vi.name}' axis ${axis} is ${t.dims[axis]}, the model expects ${d}`,
          expected,
          received,
        });
      }
    }
  }
  const known = new Set(inputs.map((i) => i.name));
  for (const name of arrays) {
    if (!known.has(name))
      issues.push({
        array: name,
        message:
          `array '${name}' matches no model input, 'labels', 'slice_<name>' or '<input>_lengths' ` +
          `(model inputs: ${[...known].join(', ')})`,
      });
  }
  if (set.labels && set.labels.length !== set.count) {
    issues.push({
      array: 'labels',
      message: `'labels' has ${set.labels.length} entries for ${set.count} examples`,
      expected: String(set.count),
      received: String(set.labels.length),
    });
  }
  for (const [name, mask] of Object.entries(set.slices)) {
    if (mask.length !== set.count)
      issues.push({
        array: `slice_${name}`,
        message: `slice '${name}' has ${mask.length} entries for ${set.count} examples`,
        expected: String(set.count),
        received: String(mask.length),
      });
    else if (!mask.some((m) => m === 1))
      issues.push({
        array: `slice_${name}`,
        message: `slice '${name}' is empty (0 of ${set.count} examples)`,
        expected: 'at least 1 example',
        received: '0',
      });
  }
  return issues;
}

/** Data issues as one error message naming the file. */
export function formatIssues(source: string, issues: readonly DataIssue[]): string {
  const lines = issues.map(
    (i) => `  - ${i.message}${i.expected !== undefined ? ` (expected ${i.expected}, received ${i.received})` : ''}`,
  );
  return `${source}: evaluation data does not match the model:\n${listProblems(lines, '\n')}`;
}

/**
 * The inputs whose axis 0 is the batch (the examples of a data file): those declaring the axis-0 symbol
 * most inputs share. A KV cache declaring a literal there (stacked `[2, batch, ...]`) or another symbol
 * (`[batch_x_heads, hd, past]`) is fed whole. Without a shared symbol, every input counts.
 */
export function exampleInputs(model: Pick<Model, 'graph'>): string[] {
  const inputs = feedInputs(model);
  const symbols = new Map<string, number>();
  for (const i of inputs) {
    const d = i.shape?.[0];
    if (typeof d === 'string') symbols.set(d, (symbols.get(d) ?? 0) + 1);
  }
  const batch = [...symbols].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (batch === undefined) return inputs.map((i) => i.name);
  // Unknown or unnamed axis 0: counted, as before (nothing says it is not the batch).
  return inputs.filter((i) => i.shape?.[0] === batch || i.shape?.[0] == null || !i.shape).map((i) => i.name);
}

/**
 * Validates `set` against the model's inputs and returns it ready to feed:
 * loosely typed (JSON) inputs cast to the model's dtypes, and per-example
 * lengths shared with inputs whose axis 1 is the same symbolic dim (an
 * attention mask padded like the tokens is cut like the tokens).
 * @throws PruneguardError('E_BAD_DATA') listing every issue.
 */
export function bindEvalSet(set: EvalSet, model: Pick<Model, 'graph'>): EvalSet {
  const inputs = feedInputs(model);
  const issues = checkEvalSet(set, inputs);
  const cast_: Record<string, Tensor> = { ...set.inputs };
  if (!issues.length) {
    for (const vi of inputs)
      if (vi.dtype && set.looseDtypes?.has(vi.name))
        cast_[vi.name] = cast(set.inputs[vi.name], vi.dtype, vi.name, issues);
  }
  if (issues.length) throw new PruneguardError('E_BAD_DATA', formatIssues(set.source, issues));
  const lengths = { ...set.lengths };
  for (const [name, l] of Object.entries(set.lengths)) {
    const seq = inputs.find((i) => i.name === name)?.shape?.[1];
    if (typeof seq !== 'string') continue;
    for (const other of inputs) {
      if (other.name in lengths || other.shape?.[1] !== seq) continue;
      if (set.inputs[other.name].dims[1] === set.inputs[name].dims[1]) lengths[other.name] = l;
    }
  }
  return { ...set, inputs: cast_, lengths, looseDtypes: undefined };
}
