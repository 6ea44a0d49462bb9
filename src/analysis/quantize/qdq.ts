/**
 * Static int8 QDQ quantization, the format onnxruntime's quantizer writes:
 * every Conv/Gemm/MatMul with a constant weight gets its activation input
 * wrapped in QuantizeLinear→DequantizeLinear (uint8, asymmetric, per tensor,
 * from calibrated ranges) and its weight stored as int8 (symmetric, per tensor
 * or per output channel) behind a DequantizeLinear. Biases stay float.
 * The calibration's provenance is recorded in the model's metadata.
 */
import { PruneguardError } from '../../errors.js';
import { constantValue } from '../../ir/constants.js';
import { indexGraph } from '../../ir/graph-index.js';
import { fromNumbers, tensor, toFloat32 } from '../../ir/tensor.js';
import { defaultOpset, type Model, type Node, type Tensor } from '../../ir/types.js';
import { setAttrInt } from '../../ir/attrs.js';
import type { Calibration, Range } from './calibrate.js';

export interface QuantizeOptions {
  /** Per output channel weight scales (default true; needs opset >= 13). */
  perChannel?: boolean;
}

export const CALIBRATION_METADATA_KEY = 'pruneguard.calibration';

interface Site {
  node: Node;
  activation: string;
  weight: string;
  /** Output-channel axis of the weight. */
  channelAxis: number;
}

/** The ops whose activation input and constant weight are quantized. */
export function quantizationSites(model: Model): Site[] {
  const index = indexGraph(model.graph);
  const sites: Site[] = [];
  for (const node of model.graph.nodes) {
    if (node.domain !== '' || !['Conv', 'Gemm', 'MatMul'].includes(node.opType)) continue;
    const [activation, weight] = node.inputs;
    const w = constantValue(model.graph, weight, index);
    if (w?.dtype !== 'float32' || constantValue(model.graph, activation, index)) continue;
    const transB = node.attributes.find((a) => a.name === 'transB')?.i;
    const channelAxis =
      node.opType === 'MatMul' ? w.dims.length - 1 : node.opType === 'Gemm' && !Number(transB ?? 0) ? 1 : 0;
    sites.push({ node, activation, weight, channelAxis });
  }
  return sites;
}

/**
 * Inserts QuantizeLinear/DequantizeLinear pairs with ranges from a calibration (the reference quantizer of the
 * quantization gate).
 */
export function quantizeQdq(model: Model, calibration: Calibration, options: QuantizeOptions = {}): Model {
  const perChannel = options.perChannel ?? true;
  const opset = defaultOpset(model);
  if (opset < 13 && perChannel)
    throw new PruneguardError('E_BAD_ARGUMENT', `per-channel QDQ needs opset >= 13, the model has ${opset}`);
  if (opset < 10) throw new PruneguardError('E_BAD_ARGUMENT', `QDQ needs opset >= 10, the model has ${opset}`);
  const graph = { ...model.graph, nodes: [...model.graph.nodes], initializers: new Map(model.graph.initializers) };
  const out: Model = { ...model, graph, metadata: model.metadata.filter((m) => m.key !== CALIBRATION_METADATA_KEY) };
  const sites = quantizationSites(model);
  const missing = sites.filter((s) => !calibration.ranges[s.activation]).map((s) => s.activation);
  if (missing.length) throw new PruneguardError('E_BAD_ARGUMENT', `calibration has no range for ${missing.join(', ')}`);
  const quantizedActivations = new Map<string, string>();
  const newNodes = new Map<Node, Node[]>();
  for (const site of sites) {
    const before: Node[] = [];
    let dq = quantizedActivations.get(site.activation);
    if (!dq) {
      const { scale, zeroPoint } = activationParams(calibration.ranges[site.activation]);
      const base = `${site.activation}_qdq`;
      graph.initializers.set(`${base}.scale`, fromNumbers('float32', [], [scale]));
      graph.initializers.set(`${base}.zero_point`, fromNumbers('uint8', [], [zeroPoint]));
      dq = `${base}.dq`;
      before.push(
        {
          name: `${base}.Q`,
          opType: 'QuantizeLinear',
          domain: '',
          inputs: [site.activation, `${base}.scale`, `${base}.zero_point`],
          outputs: [`${base}.q`],
          attributes: [],
        },
        {
          name: `${base}.DQ`,
          opType: 'DequantizeLinear',
          domain: '',
          inputs: [`${base}.q`, `${base}.scale`, `${base}.zero_point`],
          outputs: [dq],
          attributes: [],
        },
      );
      quantizedActivations.set(site.activation, dq);
    }
    const w = constantValue(model.graph, site.weight)!;
    const q = quantizeWeight(w, perChannel ? site.channelAxis : undefined);
    const wBase = `${site.node.name || site.weight}.weight_qdq`;
    graph.initializers.set(`${wBase}.q`, q.values);
    graph.initializers.set(`${wBase}.scale`, q.scale);
    graph.initializers.set(`${wBase}.zero_point`, q.zeroPoint);
    const wdq: Node = {
      name: `${wBase}.DQ`,
      opType: 'DequantizeLinear',
      domain: '',
      inputs: [`${wBase}.q`, `${wBase}.scale`, `${wBase}.zero_point`],
      outputs: [`${wBase}.dq`],
      attributes: [],
    };
    if (perChannel) setAttrInt(wdq, 'axis', site.channelAxis);
    before.push(wdq);
    const replaced: Node = { ...site.node, inputs: [dq, `${wBase}.dq`, ...site.node.inputs.slice(2)] };
    newNodes.set(site.node, [...before, replaced]);
  }
  graph.nodes = graph.nodes.flatMap((n) => newNodes.get(n) ?? [n]);
  out.metadata.push({
    key: CALIBRATION_METADATA_KEY,
    value: JSON.stringify({ modelDigest: calibration.modelDigest, perChannel }),
  });
  return out;
}

/** uint8 asymmetric parameters covering [min, max] ∪ {0}, as onnxruntime's MinMax calibrator does. */
export function activationParams(r: Range): { scale: number; zeroPoint: number } {
  const lo = Math.min(0, r.min);
  const hi = Math.max(0, r.max);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  const zeroPoint = Math.min(255, Math.max(0, Math.round(-lo / scale)));
  return { scale, zeroPoint };
}

/** The float range a uint8 (scale, zero point) pair can represent. */
export function representableRange(scale: number, zeroPoint: number): Range {
  return { min: (0 - zeroPoint) * scale, max: (255 - zeroPoint) * scale };
}

function quantizeWeight(w: Tensor, axis: number | undefined): { values: Tensor; scale: Tensor; zeroPoint: Tensor } {
  const data = toFloat32(w);
  const channels = axis === undefined ? 1 : w.dims[axis];
  const inner = axis === undefined ? data.length : w.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => (axis === undefined ? 0 : Math.floor(i / inner) % channels);
  const maxAbs = new Float32Array(channels);
  for (let i = 0; i < data.length; i++) maxAbs[channelOf(i)] = Math.max(maxAbs[channelOf(i)], Math.abs(data[i]));
  const scales = Array.from(maxAbs, (m) => (m > 0 ? m / 127 : 1));
  const q = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++)
    q[i] = Math.max(-127, Math.min(127, Math.round(data[i] / scales[channelOf(i)])));
  const shape = axis === undefined ? [] : [channels];
  return {
    values: tensor('int8', w.dims, q),
    scale: fromNumbers('float32', shape, scales),
    zeroPoint: tensor('int8', shape),
  };
}
