/** The builder DSL: make valid ONNX models (IR `Model`) in code, with seeded weights and tracked shapes. */
export { GraphBuilder } from './graph-builder.js';
export { BuilderCore, irVersionFor, type BuilderOptions, type Init, type Value } from './core.js';
export type { ConvOptions, ConvTransposeOptions } from './conv.js';
export type { ConstSpec, Operand } from './elementwise.js';
export type { FfnOptions, LinearOptions } from './linear.js';
export type { FusedAttentionOp, FusedAttentionOptions } from './fused-attention.js';
export type { RopeStyle } from './rope.js';
export type { LayerNormOptions, NormOptions } from './norm.js';
export type { GroupNormOptions } from './norm-decomposed.js';
export type { PoolOptions } from './pool.js';
export type { ReduceOptions } from './reduce.js';
export type { ReshapeDim, ReshapeOptions } from './reshape.js';
export type { AttentionOptions } from './attention.js';
export type { SeOptions, TransformerBlockOptions } from './blocks.js';
export type { ConvBnActOptions, ResBlockOptions } from './cnn-blocks.js';
