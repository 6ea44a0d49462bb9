/**
 * The one registry of op semantics, keyed by ONNX op type (default domain).
 * `satisfies Record<OpType, OpDef>` makes a listed op without a definition, or a
 * misspelled key, a type error. An op not listed has no shape rule (its outputs are
 * unknown, inference continues) and no channel rule (groups reaching it block).
 */
import type { OpDef } from './def.js';
import { constantOps } from './constant/index.js';
import { convOps } from './conv/index.js';
import { elementwiseOps } from './elementwise/index.js';
import { gatherOps } from './gather/index.js';
import { matmulOps } from './matmul/index.js';
import { normOps } from './norm/index.js';
import type { OpType } from './op-types.js';
import { poolOps } from './pool/index.js';
import { quantOps } from './quant/index.js';
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
} satisfies Record<OpType, OpDef>;

const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

/** The definition of a node's op, or undefined (another domain, or an op pruneguard does not know). */
export function opDef(opType: string, domain: string): OpDef | undefined {
  if (!DEFAULT_DOMAINS.has(domain)) return undefined;
  return Object.hasOwn(OP_DEFS, opType) ? (OP_DEFS as Record<string, OpDef>)[opType] : undefined;
}

/** Every op type with a definition, sorted. */
export function supportedOps(): string[] {
  return Object.keys(OP_DEFS).sort();
}
