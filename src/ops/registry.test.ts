/** The registry is consistent: every facet an analysis reads is declared where the others expect it. */
import { describe, expect, it } from 'vitest';
import { weightMacs } from '../analysis/flops.js';
import { GraphBuilder } from '../ir/builder/index.js';
import { indexGraph } from '../ir/graph-index.js';
import { fromNumbers } from '../ir/tensor.js';
import { traceShapeEntry } from '../prune/shape-entry.js';
import { inferShapes } from '../shape/infer.js';
import type { ShapeLookup } from './shape-entry.js';
import { prunableWeights } from '../prune/masks/prunable.js';
import { constantOps } from './constant/index.js';
import { convOps } from './conv/index.js';
import { elementwiseOps } from './elementwise/index.js';
import { gatherOps } from './gather/index.js';
import { matmulOps } from './matmul/index.js';
import { normOps } from './norm/index.js';
import type { OpDef } from './def.js';
import { BROADCAST_OPS, CONTRIB_OPS, OTHER_OPS, UNARY_OPS } from './op-types.js';
import { poolOps } from './pool/index.js';
import { quantOps } from './quant/index.js';
import { reduceOps } from './reduce/index.js';
import { CONTRIB_OP_DEFS, OP_DEFS, opDef, supportedOps } from './registry.js';
import { resizeOps } from './resize/index.js';
import { shapeOps } from './shape-ops/index.js';
import { slicingOps } from './slicing/index.js';
import { unaryOps } from './unary/index.js';

const FAMILIES = [
  unaryOps,
  elementwiseOps,
  convOps,
  poolOps,
  normOps,
  reduceOps,
  matmulOps,
  shapeOps,
  slicingOps,
  gatherOps,
  constantOps,
  resizeOps,
  quantOps,
];
const defs = Object.entries(OP_DEFS);

describe('op registry', () => {
  it('every op is defined by exactly one family, and the op list has no duplicates', () => {
    const keys = FAMILIES.flatMap((f) => Object.keys(f));
    expect(new Set(keys).size).toBe(keys.length);
    const listed = [...UNARY_OPS, ...BROADCAST_OPS, ...OTHER_OPS];
    expect(new Set(listed).size).toBe(listed.length);
    expect(supportedOps()).toEqual([...listed].sort());
  });

  it(
    'every op has a shape rule; every op with a channel rule, seeds or MACs has one too (by construction, ' +
      'checked)',
    () => {
      for (const [op, def] of defs) expect(typeof def.shape, op).toBe('function');
    },
  );

  it('an op that seeds channels or counts MACs declares which inputs are its weights', () => {
    const weightOps = defs.filter(([, d]) => 'seeds' in d || 'positions' in d).map(([op]) => op);
    for (const op of weightOps) expect('weights' in OP_DEFS[op as keyof typeof OP_DEFS], op).toBe(true);
    expect(weightOps.sort()).toEqual([
      'Conv',
      'ConvInteger',
      'ConvTranspose',
      'Einsum',
      'GRU',
      'Gemm',
      'LSTM',
      'MatMul',
      'MatMulInteger',
      'QLinearConv',
      'QLinearMatMul',
      'RNN',
    ]);
  });

  it('an op that seeds channels has a channel rule to propagate them with', () => {
    for (const [op, def] of defs) if ('seeds' in def) expect('channels' in def, op).toBe(true);
  });

  it('com.microsoft ops: the contrib list is covered exactly, weight facets declared together', () => {
    expect(Object.keys(CONTRIB_OP_DEFS).sort()).toEqual([...CONTRIB_OPS].sort());
    for (const [op, def] of Object.entries(CONTRIB_OP_DEFS) as [string, OpDef][]) {
      expect(typeof def.shape, op).toBe('function');
      if (def.seeds || def.positions) expect(def.weights && def.channels, op).toBeTruthy();
    }
    expect(CONTRIB_OP_DEFS.Attention.kvCache).toEqual({ inputs: [4], outputs: [1] });
  });

  it('looks ops up by type and domain, never through the prototype', () => {
    expect(opDef('Conv', '')).toBe(OP_DEFS.Conv);
    expect(opDef('Conv', 'ai.onnx')).toBe(OP_DEFS.Conv);
    expect(opDef('Conv', 'com.microsoft')).toBeUndefined();
    // Same name, another op: onnxruntime's packed Attention is not ONNX's.
    expect(opDef('Attention', 'com.microsoft')).toBe(CONTRIB_OP_DEFS.Attention);
    expect(opDef('Attention', '')).toBe(OP_DEFS.Attention);
    expect(opDef('GroupQueryAttention', '')).toBeUndefined();
    expect(opDef('constructor', 'com.microsoft')).toBeUndefined();
    expect(opDef('constructor', '')).toBeUndefined();
    expect(opDef('toString', '')).toBeUndefined();
  });

  it('an Einsum kernel counts in FLOPs and in the mask candidates, like a MatMul with the same weight', () => {
    const viaEinsum = new GraphBuilder({ seed: 1 });
    const x = viaEinsum.input('x', 'float32', ['batch', 5, 6]);
    viaEinsum.output(viaEinsum.einsumDense(x, 'bte,ef->btf', [6, 4], { name: 'proj' }), 'y');
    const einsumModel = viaEinsum.build();
    const viaMatMul = new GraphBuilder({ seed: 1 });
    const x2 = viaMatMul.input('x', 'float32', ['batch', 5, 6]);
    viaMatMul.output(viaMatMul.matmul(x2, { out: 4 }), 'y');
    // 5 positions (tokens) × 6·4 weight elements, the batch axis not counted.
    expect(weightMacs(einsumModel)).toBe(5 * 6 * 4);
    expect(weightMacs(viaMatMul.build())).toBe(5 * 6 * 4);
    expect(prunableWeights(einsumModel)).toEqual(['proj.kernel']);
  });

  it('per-layer parameter inputs (copied per use when shared): a kernel or a Gather table never is one', () => {
    const all = defs.filter(([, d]) => d.params === 'all').map(([op]) => op);
    expect(all.sort()).toEqual(
      [
        ...['Add', 'Sub', 'Mul', 'Div', 'Pow', 'PRelu', 'Where', 'Max', 'Min', 'Clip'],
        ...['BatchNormalization', 'InstanceNormalization', 'LayerNormalization', 'GroupNormalization'],
        ...['Reshape', 'Expand', 'Tile', 'Slice', 'Split', 'Concat', 'Unsqueeze', 'Squeeze', 'Pad', 'Resize'],
        ...['Range', 'ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'QuantizeLinear', 'DequantizeLinear'],
        'ConstantOfShape',
      ].sort(),
    );
    const some = Object.fromEntries(defs.filter(([, d]) => Array.isArray(d.params)).map(([op, d]) => [op, d.params]));
    expect(some).toEqual({ Conv: [2], ConvTranspose: [2], Gemm: [2], Gather: [1] });
    for (const [op, def] of defs) {
      const slots =
        def.weights && Array.isArray(def.params)
          ? def
              .weights({ name: '', opType: op, domain: '', inputs: [], outputs: [], attributes: [] })
              .map((w) => w.slot)
          : [];
      for (const slot of slots) expect(def.params, `${op} input ${slot} is a weight`).not.toContain(slot);
    }
  });

  it('ops that build shape vectors say how each entry is made; the others are named as computing it', () => {
    const tracing = defs.filter(([, d]) => d.shapeEntry).map(([op]) => op);
    expect(tracing.sort()).toEqual(
      [
        ...['Concat', 'Slice', 'Squeeze', 'Unsqueeze', 'Cast', 'Identity', 'ConstantOfShape', 'Floor', 'Ceil'],
        ...['Round', 'Gather', 'Shape', 'Reshape', 'Add', 'Sub', 'Div', 'Mul', 'Equal', 'Where'],
      ].sort(),
    );
    // Concat(Unsqueeze(Gather(Shape(x), 1)), Floor(Div([12], [5])), ReduceMax(x)): a runtime size, a fixed
    // value computed from constants, and an op without the facet.
    const b = new GraphBuilder({ seed: 1 });
    const x = b.input('x', 'float32', ['batch', 6]);
    const i64 = (kind: string, inputs: Parameters<typeof b.op>[2], attrs = {}) =>
      b.op(kind, kind.toLowerCase(), inputs, 'int64', [1], attrs);
    const f32 = (kind: string, inputs: Parameters<typeof b.op>[2], attrs = {}) =>
      b.op(kind, kind.toLowerCase(), inputs, 'float32', [1], attrs);
    const size = i64('Gather', [b.op('Shape', 'shape', [x], 'int64', [2]), b.ints('i', 'idx', [1])]);
    const twelve = b.constant('twelve', fromNumbers('float32', [1], [12]));
    const fixed = i64(
      'Cast',
      [f32('Floor', [f32('Div', [twelve, b.constant('five', fromNumbers('float32', [1], [5]))])])],
      {
        to: 7,
      },
    );
    const other = i64('Cast', [f32('ReduceMax', [f32('Cast', [size], { to: 1 })], { keepdims: 1 })], { to: 7 });
    const concat = b.op('Concat', 'concat', [size, fixed, other], 'int64', [3], { axis: 0 });
    b.output(concat, 'y');
    const model = b.build();
    const index = indexGraph(model.graph);
    const shapes = inferShapes(model);
    const look: ShapeLookup = {
      graph: model.graph,
      index,
      shape: (n) => shapes.values.get(n)?.shape,
      stored: (src) => (src.kind === 'initializer' ? model.graph.initializers.get(src.name) : undefined),
    };
    expect(traceShapeEntry(look, 'y', 0)).toEqual({ kind: 'dynamic', from: { value: 'x', axis: 1 }, piece: true });
    expect(traceShapeEntry(look, 'y', 1)).toEqual({ kind: 'fixed', value: 2 });
    expect(traceShapeEntry(look, 'y', 2)).toMatchObject({
      kind: 'unknown',
      reason: expect.stringMatching(/computed by ReduceMax/),
    });
  });
});
