/**
 * How exporters store weights besides plain float32, applied to a built model: fp16 weights Cast
 * to float for compute (mixed-precision checkpoints), QDQ int8 weights with per-channel scales
 * (ONNX Runtime's and TensorRT's quantizers), and initializers also listed as graph inputs (IR < 4,
 * PyTorch's `keep_initializers_as_inputs`). The layer's weight keeps its name: only what stores it
 * changes, so plans and groups name the same tensors in every form.
 */
import { attrInt } from '../ir/attrs.js';
import { constantSource, constantValue, setConstant } from '../ir/constants.js';
import { indexGraph } from '../ir/graph-index.js';
import { floatToHalf, toFloat32 } from '../ir/tensor.js';
import type { Model, Node, Tensor } from '../ir/types.js';

/** 'float32' (simplest, no conversion node), 'float16' + Cast, or int8 + per-channel DequantizeLinear. */
export type WeightStorage = 'float32' | 'float16' | 'qdq-int8';

/** The axis of a layer weight that holds its output channels (the per-channel quantization axis). */
function outputAxis(node: Node): number {
  if (node.opType === 'Gemm') return attrInt(node, 'transB', 0) === 1 ? 0 : 1;
  return node.opType === 'MatMul' ? 1 : 0;
}

function toHalf(t: Tensor): Tensor {
  const f = toFloat32(t);
  return { dtype: 'float16', dims: t.dims, data: Uint16Array.from(f, floatToHalf) };
}

/** Symmetric per-channel int8 along `axis` (zero point 0, so a zeroed channel stays exactly zero). */
function quantize(t: Tensor, axis: number): { q: Tensor; scale: Tensor; zero: Tensor } {
  const f = toFloat32(t);
  const n = t.dims[axis];
  const inner = t.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => Math.floor(i / inner) % n;
  const max = new Float32Array(n);
  f.forEach((v, i) => {
    max[channelOf(i)] = Math.max(max[channelOf(i)], Math.abs(v));
  });
  const scale = Float32Array.from(max, (m) => (m > 0 ? m / 127 : 1));
  const q = Int8Array.from(f, (v, i) => Math.max(-127, Math.min(127, Math.round(v / scale[channelOf(i)]))));
  return {
    q: { dtype: 'int8', dims: t.dims, data: q },
    scale: { dtype: 'float32', dims: [n], data: scale },
    zero: { dtype: 'int8', dims: [n], data: new Int8Array(n) },
  };
}

/**
 * Stores the weight (input 1) of every main-graph Conv, Gemm and MatMul that reads a float32
 * constant as `storage` says, inserting the conversion node before its first reader. Weights read
 * only inside a subgraph stay as they are.
 */
export function storeWeights(model: Model, storage: WeightStorage): Model {
  if (storage === 'float32') return model;
  const graph = model.graph;
  const index = indexGraph(graph);
  const done = new Set<string>();
  const nodes: Node[] = [];
  for (const node of graph.nodes) {
    const name = node.inputs[1];
    const layer = node.opType === 'Conv' || node.opType === 'Gemm' || node.opType === 'MatMul';
    const src = layer && name ? constantSource(graph, name, index) : undefined;
    const value = src && constantValue(graph, name, index);
    if (!src || !value || value.dtype !== 'float32' || value.dims.length < 2 || done.has(name)) {
      nodes.push(node);
      continue;
    }
    done.add(name);
    const converted = `${name}_${storage === 'float16' ? 'f32' : 'dq'}`;
    if (storage === 'float16') {
      setConstant(graph, src, toHalf(value));
      nodes.push({
        name: `${name}_cast`,
        opType: 'Cast',
        domain: '',
        inputs: [name],
        outputs: [converted],
        attributes: [{ name: 'to', type: 2, i: 1 }],
      });
    } else {
      const axis = outputAxis(node);
      const { q, scale, zero } = quantize(value, axis);
      setConstant(graph, src, q);
      graph.initializers.set(`${name}_scale`, scale);
      graph.initializers.set(`${name}_zero_point`, zero);
      nodes.push({
        name: `${name}_dequantize`,
        opType: 'DequantizeLinear',
        domain: '',
        inputs: [name, `${name}_scale`, `${name}_zero_point`],
        outputs: [converted],
        attributes: [{ name: 'axis', type: 2, i: axis }],
      });
    }
    for (const use of index.consumers.get(name) ?? []) use.node.inputs[use.slot] = converted;
    nodes.push(node);
  }
  graph.nodes = nodes;
  return model;
}

/** Lists every initializer as a graph input too, as IR < 4 required (they stay weights: none is fed). */
export function initializersAsInputs(model: Model): Model {
  const listed = new Set(model.graph.inputs.map((i) => i.name));
  for (const [name, t] of model.graph.initializers)
    if (!listed.has(name)) model.graph.inputs.push({ name, dtype: t.dtype, shape: [...t.dims] });
  return model;
}
