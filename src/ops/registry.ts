/**
 * The one registry of op semantics, keyed by ONNX op type (default domain).
 * `satisfies Record<OpType, OpDef>` makes a listed op without a definition, or a
 * misspelled key, a type error. An op not listed has no shape rule (its outputs are
 * unknown, inference continues) and no channel rule (groups reaching it block).
 */
import type { OpDef } from './def.js';
import { attentionOps, contribAttentionOps } from './attention/index.js';
import { constantOps } from './constant/index.js';
import { convOps } from './conv/index.js';
import { elementwiseOps } from './elementwise/index.js';
import { gatherOps } from './gather/index.js';
import { matmulOps } from './matmul/index.js';
import { contribNormOps, normOps } from './norm/index.js';
import type { ContribOpType, OpType } from './op-types.js';
import { poolOps } from './pool/index.js';
import { quantOps } from './quant/index.js';
import { recurrentOps } from './recurrent/index.js';
import { reduceOps } from './reduce/index.js';
import { resizeOps } from './resize/index.js';
import { shapeOps } from './shape-ops/index.js';
import { slicingOps } from './slicing/index.js';
import { unaryOps } from './unary/index.js';

export const OP_DEFS = {
  ...unaryOps,
  ...elementwiseOps,
  ...convOps,
  ...poolOps,
  ...normOps,
  ...reduceOps,
  ...matmulOps,
  ...shapeOps,
  ...slicingOps,
  ...gatherOps,
  ...constantOps,
  ...resizeOps,
  ...quantOps,
  ...attentionOps,
  ...recurrentOps,
} satisfies Record<OpType, OpDef>;

/** onnxruntime's `com.microsoft` ops (fused attention and norms), keyed like OP_DEFS. */
export const CONTRIB_OP_DEFS = {
  ...contribAttentionOps,
  ...contribNormOps,
} satisfies Record<ContribOpType, OpDef>;

const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

/** The definition of a node's op, or undefined (another domain, or an op pruneguard does not know). */
export function opDef(opType: string, domain: string): OpDef | undefined {
  const table: Record<string, OpDef> | undefined = DEFAULT_DOMAINS.has(domain)
    ? OP_DEFS
    : domain === 'com.microsoft'
      ? CONTRIB_OP_DEFS
      : undefined;
  return table && Object.hasOwn(table, opType) ? table[opType] : undefined;
}

/** Every op type with a definition, sorted. */
export function supportedOps(): string[] {
  return Object.keys(OP_DEFS).sort();
}
