/**
 * Input sizes a model can run at, found from the graph. Declared dims are kept; symbolic dims
 * start small (batch 2·scale, image-like spatial dims 32, other dims 4·scale + 1) and, when the
 * graph says those are too small, double until it agrees: static shape inference at the concrete
 * sizes reports no problem the symbolic graph did not already have (a Conv or pool window larger
 * than its input), no value has an empty axis, and every reflect `Pad` pads less than its input
 * (what onnxruntime requires; an audio model reflect-padding by n_fft/2 needs more samples).
 * One size per symbol name, so inputs sharing "seq" stay aligned.
 */
import { attrInts, attrString } from '../ir/attrs.js';
import { numel } from '../ir/tensor.js';
import { forEachScope } from '../ir/scopes.js';
import type { Dim, Model, Node } from '../ir/types.js';
import { feedableInputs } from '../runtime/index.js';
import { MAX_INPUT_ELEMENTS } from '../runtime/random-inputs.js';
import { inferShapes } from '../shape/infer.js';
import type { ShapeResult } from '../shape/types.js';

export type Sizes = Record<string, number[]>;

/** Largest doubling tried for a symbolic dim (2^10 × the start: 5 → 5120 samples, 32 → 32768). */
const MAX_DOUBLINGS = 10;

const problemKeys = (r: ShapeResult) => new Set(r.problems.map((p) => `${p.node}\u0000${p.rule}`));

/** What the graph says is wrong with running at `sizes` (empty: nothing it knows of). */
export function sizeProblems(model: Model, sizes: Sizes, baseline = problemKeys(inferShapes(model))): string[] {
  const r = inferShapes(model, { inputShapes: sizes });
  const out = r.problems.filter((p) => !baseline.has(`${p.node}\u0000${p.rule}`)).map((p) => `${p.node}: ${p.message}`);
  for (const [name, v] of r.values)
    if (v.shape?.some((d) => d === 0) && !model.graph.initializers.has(name))
      out.push(`${name} has an empty axis [${v.shape.join(',')}]`);
  // Every scope's Pads: an audio front end often sits inside an If branch (one per sample rate).
  const pads: Node[] = [];
  forEachScope(model.graph, (g) => pads.push(...g.nodes.filter((n) => n.opType === 'Pad')));
  for (const node of pads) {
    if ((attrString(node, 'mode') ?? 'constant') !== 'reflect') continue;
    const x = r.values.get(node.inputs[0])?.shape;
    const padsTensor = node.inputs[1] ? r.constants.get(node.inputs[1]) : undefined;
    const pads = padsTensor
      ? Array.from(padsTensor.data as ArrayLike<number | bigint>, Number)
      : attrInts(node, 'pads');
    if (!x || !pads || node.inputs[3]) continue; // explicit axes (opset 18): not modelled here
    x.forEach((d, i) => {
      const most = Math.max(pads[i] ?? 0, pads[i + x.length] ?? 0);
      if (typeof d === 'number' && most > 0 && d <= most)
        out.push(
          `${node.name || node.outputs[0]}: reflect Pad by ${most} needs axis ${i} longer than ${most}, got ${d}`,
        );
    });
  }
  return out;
}

/**
 * Default sizes: declared dims as they are, symbolic ones as small as the graph allows.
 * @param fixed sizes the user gave (e.g. --shape), kept as they are.
 */
export function defaultSizes(model: Model, scale = 1, fixed: Sizes = {}): Sizes {
  const inputs = feedableInputs(model);
  const start = (shape: readonly Dim[], axis: number) =>
    axis === 0 ? 2 * scale : shape.length === 4 && axis >= 2 ? 32 : 4 * scale + 1;
  const at = (k: number): Sizes => {
    const bySymbol = new Map<string, number>();
    return Object.fromEntries(
      inputs.map((input) => {
        if (fixed[input.name]) return [input.name, fixed[input.name]];
        const shape = input.shape ?? [];
        return [
          input.name,
          shape.map((d, axis) => {
            if (typeof d === 'number') return d;
            const grown = axis === 0 ? start(shape, axis) : start(shape, axis) * 2 ** k;
            if (typeof d !== 'string') return grown;
            if (!bySymbol.has(d)) bySymbol.set(d, grown);
            return bySymbol.get(d)!;
          }),
        ];
      }),
    );
  };
  const first = at(0);
  const symbolic = inputs.some((i) => !fixed[i.name] && i.shape?.some((d, axis) => axis > 0 && typeof d !== 'number'));
  if (!symbolic) return first;
  const baseline = problemKeys(inferShapes(model));
  for (let k = 0; k <= MAX_DOUBLINGS; k++) {
    const sizes = k === 0 ? first : at(k);
    if (Object.values(sizes).some((dims) => numel(dims) > MAX_INPUT_ELEMENTS)) break;
    if (sizeProblems(model, sizes, baseline).length === 0) return sizes;
  }
  // Nothing on the ladder satisfies the graph: run at the smallest, and let the dense model say why.
  return first;
}
