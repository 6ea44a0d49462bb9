/** The registry is consistent: every facet an analysis reads is declared where the others expect it. */
import { describe, expect, it } from 'vitest';
import { weightMacs } from '../analysis/flops.js';
import { GraphBuilder } from '../ir/builder/index.js';
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

  it('every op has a shape rule; every op with a channel rule, seeds or MACs has one too (by construction, checked)', () => {
    for (const [op, def] of defs) expect(typeof def.shape, op).toBe('function');
  });

  it('an op that seeds channels or counts MACs declares which inputs are its weights', () => {
    const weightOps = defs.filter(([, d]) => 'seeds' in d || 'positions' in d).map(([op]) => op);
    for (const op of weightOps) expect('weights' in OP_DEFS[op as keyof typeof OP_DEFS], op).toBe(true);
    expect(weightOps.sort()).toEqual([
      'Conv',
      'ConvInteger',
      'ConvTranspose',
      'Einsum',
      'Gemm',
      'MatMul',
      'MatMulInteger',
      'QLinearConv',
      'QLinearMatMul',
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
});
