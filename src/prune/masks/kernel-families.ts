/**
 * Sparse-kernel families and what they accept, as plain data. "rows" is the
 * weight's output extent and "cols" its reduction extent, i.e. the weight seen
 * as PyTorch stores a Linear weight, [out, in], with N:M running along cols.
 * For a Conv weight [O, I/g, kh, kw]: rows = O, cols = I/g (ASP's reading).
 *
 * Sources (read for this table; numbers not found there are marked unconfirmed):
 * [pt]   pytorch/pytorch torch/sparse/semi_structured.py: `_validate_device_dim_dtype_shape`
 *        requires CUDA, 2-D, contiguous, and for (m, n) = shape: m >= min_rows,
 *        m % min_rows == 0, n >= min_cols, n % min_cols == 0. `_DTYPE_SHAPE_CONSTRAINTS`:
 *        CUTLASS int8 (16,128), fp16/bf16 (32,64), fp32 (32,32);
 *        cuSPARSELt int8 (32,32), fp16/bf16 (16,16), fp32 (8,8).
 *        PyTorch 2.1 had CUTLASS int8 at (32,128): the int8 row minimum changed between versions.
 * [cslt] docs.nvidia.com/cuda/cusparselt/types.html, CUSPARSELT_SPARSITY_50_PERCENT:
 *        2:4 for half, bfloat16, int8 (and fp8); 1:2 for float/tf32. We apply the same
 *        pattern rule to PyTorch's CUTLASS fp32 path (its docstring: "n in every 2n elements
 *        ... depending on the datatype"); unconfirmed for CUTLASS specifically.
 * [asp]  NVIDIA/apex apex/contrib/sparsity/asp.py `add_sparse_attributes`: fp32 and fp16
 *        weights are skipped unless size(0) % 8 == 0 and size(1) % 16 == 0 ("For Conv2d
 *        dim= K x CRS; we prune along C"); whitelist Linear, Conv1d/2d/3d;
 *        sparse_masklib.py m4n2_1d along C. bf16 is not checked there (unconfirmed).
 * [ort]  microsoft/onnxruntime#2121 (maintainer: no sparse BLAS) and #5578 (sparse
 *        initializers are densified at load; no kernel consumes them): onnxruntime's CPU
 *        execution provider has no N:M / 2:4 kernel, so it never runs a 2:4 weight faster.
 */
import type { DType } from '../../ir/types.js';

export interface DtypeRule {
  n: number;
  m: number;
  minRows: number;
  minCols: number;
  rowMultiple: number;
  colMultiple: number;
  /** Set when a number could not be confirmed in the sources above. */
  unconfirmed?: string;
}

export type KernelFamilyId =
  | 'pytorch-semi-structured-cutlass'
  | 'pytorch-semi-structured-cusparselt'
  | 'nvidia-asp'
  | 'onnxruntime-cpu';

export interface KernelFamily {
  id: KernelFamilyId;
  label: string;
  device: 'cuda' | 'cpu';
  /** Consumers whose weight this family can take. */
  ops: readonly ('Conv' | 'MatMul' | 'Gemm')[];
  /** Weight ranks it accepts. */
  ranks: readonly number[];
  dtypes: Partial<Record<DType, DtypeRule>>;
  /** A family that never accepts a weight says why here. */
  never?: string;
  sources: readonly string[];
}

const pt = (minRows: number, minCols: number, n = 2, m = 4, unconfirmed?: string): DtypeRule => ({
  n,
  m,
  minRows,
  minCols,
  rowMultiple: minRows,
  colMultiple: minCols,
  ...(unconfirmed ? { unconfirmed } : {}),
});

const asp = (unconfirmed?: string): DtypeRule => ({
  n: 2,
  m: 4,
  minRows: 8,
  minCols: 16,
  rowMultiple: 8,
  colMultiple: 16,
  ...(unconfirmed ? { unconfirmed } : {}),
});

/** Sparse kernels that accelerate N:M patterns, with the shapes and ops each accepts. */
export const KERNEL_FAMILIES: readonly KernelFamily[] = [
  {
    id: 'pytorch-semi-structured-cutlass',
    label: 'PyTorch to_sparse_semi_structured (CUTLASS backend, the default)',
    device: 'cuda',
    ops: ['MatMul', 'Gemm'],
    ranks: [2],
    dtypes: {
      int8: pt(16, 128, 2, 4, 'int8 row minimum is 16 in current PyTorch, 32 in PyTorch 2.1'),
      float16: pt(32, 64),
      bfloat16: pt(32, 64),
      float32: pt(32, 32, 1, 2, '1:2 for fp32 is documented for cuSPARSELt; assumed for CUTLASS'),
    },
    sources: ['pt', 'cslt'],
  },
  {
    id: 'pytorch-semi-structured-cusparselt',
    label: 'PyTorch to_sparse_semi_structured (cuSPARSELt backend) / cuSPARSELt',
    device: 'cuda',
    ops: ['MatMul', 'Gemm'],
    ranks: [2],
    dtypes: {
      int8: pt(32, 32),
      float16: pt(16, 16),
      bfloat16: pt(16, 16),
      float32: pt(8, 8, 1, 2),
    },
    sources: ['pt', 'cslt'],
  },
  {
    id: 'nvidia-asp',
    label: 'NVIDIA ASP (apex.contrib.sparsity), m4n2_1d',
    device: 'cuda',
    ops: ['Conv', 'MatMul', 'Gemm'],
    ranks: [2, 3, 4, 5],
    dtypes: { float16: asp(), float32: asp(), bfloat16: asp('ASP checks sizes for fp32/fp16 only') },
    sources: ['asp'],
  },
  {
    id: 'onnxruntime-cpu',
    label: 'onnxruntime CPU execution provider',
    device: 'cpu',
    ops: [],
    ranks: [],
    dtypes: {},
    never:
      'onnxruntime has no N:M (2:4) sparse kernel on CPU: sparse weights run through the dense kernels ' +
      '(microsoft/onnxruntime#2121, #5578)',
    sources: ['ort'],
  },
];
