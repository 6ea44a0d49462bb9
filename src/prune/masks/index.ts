/**
 * Masks keep shapes and zero weights: unstructured magnitude masks, N:M masks
 * along each weight's reduction axis, and the sparse-kernel eligibility of the
 * result. Every `apply*` returns a new model plus a report; the caller's model
 * is never modified.
 */
export { reductionAxis, resolveWeight, type ReductionAxis } from './reduction-axis.js';
export { applyUnstructured, type UnstructuredReport, type UnstructuredSpec } from './unstructured.js';
export { applyNm, checkNm, nmViolations, nmZeroMask, type NmReport, type NmSpec, type NmViolation } from './nm.js';
export { prunableWeights } from './prunable.js';
export { eligibility, type Eligibility, type EligibilityOptions } from './kernel-eligibility.js';
export { KERNEL_FAMILIES, type DtypeRule, type KernelFamily, type KernelFamilyId } from './kernel-families.js';
export { csrMatmul, denseMatmul, toCsr, type Csr } from './csr.js';
