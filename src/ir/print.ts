/**
 * A graph as readable text, one line per node, for shrunk counterexamples:
 *   conv1 = Conv(x[1,3,8,8], conv1.weight[8,3,3,3]) -> [1,8,8,8] {pads:1,1,1,1}
 * Shapes come from `shapes` when given (e.g. shape inference results), else from
 * the graph's declared shapes (inputs, outputs, value_info) and initializer dims.
 * Attributes equal to their ONNX defaults are left out; small int constants
 * (shapes, axes) and scalars print their values, since they decide layouts.
 */
import { constantNodeValue } from './constants.js';
import { toNumbers } from './tensor.js';
import { AttrType as AT, type Attribute, type Dim, type Model, type Tensor } from './types.js';

/** Attribute values that are ONNX defaults and only add noise. */
const DEFAULTS: Record<string, (v: number[]) => boolean> = {
  dilations: (v) => v.every((x) => x === 1),
  strides: (v) => v.every((x) => x === 1),
  pads: (v) => v.every((x) => x === 0),
  group: (v) => v[0] === 1,
  transA: (v) => v[0] === 0,
  keepdims: (v) => v[0] === 1,
  alpha: (v) => v[0] === 1,
  beta: (v) => v[0] === 1,
  ceil_mode: (v) => v[0] === 0,
};
/** Redundant with the weight shape printed beside the input. */
const HIDDEN = new Set(['Conv/kernel_shape', 'ConvTranspose/kernel_shape']);

export function fmtDims(shape: readonly Dim[] | undefined): string {
  return shape ? `[${shape.map((d) => (d === null ? '?' : String(d))).join(',')}]` : '';
}

function num(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const r = Number(v.toPrecision(4));
  return Math.abs(r) < 1e-3 ? r.toExponential() : String(r);
}

function fmtTensor(t: Tensor): string {
  if (t.data.length <= 8 && t.dtype !== 'string') {
    const vals = toNumbers(t).map(num).join(',');
    return t.dims.length === 0 ? vals : `(${vals})`;
  }
  return `${t.dtype}${fmtDims(t.dims)}`;
}

function fmtAttr(op: string, a: Attribute): string | undefined {
  const name = a.name ?? '';
  if (HIDDEN.has(`${op}/${name}`)) return undefined;
  let nums: number[] | undefined;
  let text: string;
  switch (a.type) {
    case AT.INT:
      nums = [Number(a.i ?? 0)];
      text = String(nums[0]);
      break;
    case AT.FLOAT:
      nums = [a.f ?? 0];
      text = num(nums[0]);
      break;
    case AT.INTS:
      nums = (a.ints ?? []).map(Number);
      text = nums.join(',');
      break;
    case AT.FLOATS:
      nums = [...(a.floats ?? [])];
      text = nums.map(num).join(',');
      break;
    case AT.STRING:
      text = new TextDecoder().decode(a.s ?? new Uint8Array());
      break;
    case AT.TENSOR: {
      text = `${a.t?.dtype ?? '?'}[${(a.t?.dims ?? []).join(',')}]`;
      break;
    }
    default:
      text = `<${String(a.type)}>`;
  }
  if (nums && DEFAULTS[name]?.(nums)) return undefined;
  return `${name}:${text}`;
}

/** One line per node (plus input/output lines), with shapes where known. */
export function printGraph(model: Model, shapes?: ReadonlyMap<string, { shape?: readonly Dim[] }>): string {
  const g = model.graph;
  const declared = new Map<string, readonly Dim[] | undefined>();
  for (const v of [...g.inputs, ...g.valueInfo, ...g.outputs]) declared.set(v.name, v.shape);
  const shapeOf = (name: string): readonly Dim[] | undefined =>
    shapes?.get(name)?.shape ?? declared.get(name) ?? g.initializers.get(name)?.dims;
  const constNodes = new Map<string, Tensor | undefined>();
  for (const n of g.nodes) if (n.opType === 'Constant' && !n.domain) constNodes.set(n.outputs[0], constantNodeValue(n));
  const operand = (name: string): string => {
    if (!name) return '_';
    const init = g.initializers.get(name) ?? constNodes.get(name);
    if (init && init.dtype !== 'float32' && init.data.length <= 8) return `${name}=${fmtTensor(init)}`;
    if (init && init.data.length === 1) return `${name}=${fmtTensor(init)}`;
    return `${name}${fmtDims(shapeOf(name))}`;
  };
  const opset = model.opsetImports.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
  const lines = [`graph ${g.name} (opset ${opset})`];
  for (const v of g.inputs)
    if (!g.initializers.has(v.name)) lines.push(`  input ${v.name}: ${v.dtype ?? '?'}${fmtDims(v.shape)}`);
  for (const n of g.nodes) {
    const op = n.domain ? `${n.domain}.${n.opType}` : n.opType;
    const attrs = n.attributes.map((a) => fmtAttr(n.opType, a)).filter((s) => s !== undefined);
    const outShapes = n.outputs.map((o) => fmtDims(shapeOf(o)) || '?').join(', ');
    const label = n.outputs.length === 1 && n.name && n.name !== n.outputs[0] ? `  # ${n.name}` : '';
    lines.push(
      `  ${n.outputs.join(', ')} = ${op}(${n.inputs.map(operand).join(', ')}) -> ${outShapes}` +
        (attrs.length ? ` {${attrs.join(' ')}}` : '') +
        label,
    );
  }
  for (const v of g.outputs) lines.push(`  output ${v.name}: ${v.dtype ?? '?'}${fmtDims(shapeOf(v.name))}`);
  return lines.join('\n');
}
