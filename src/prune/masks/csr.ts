/**
 * A CSR sparse matmul and the dense matmul it competes with, in plain
 * TypeScript over Float32Array. They exist to *measure* the seed's claim that
 * unstructured sparsity only pays on CPUs at very high sparsity (indexing and
 * scattered reads cost more than the skipped multiplies). Both use the same
 * loop order (row of W, then its entries, then the batch), so the only
 * difference is skipping zeros through an index: what a sparse kernel buys.
 *
 * Layout: W is [rows, cols] row-major (a Linear weight [out, in]), X is
 * [cols, batch] row-major, Y = W X is [rows, batch].
 */
import { PruneguardError } from '../../errors.js';

export interface Csr {
  rows: number;
  cols: number;
  /** rowPtr[i]..rowPtr[i+1] index the entries of row i. */
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float32Array;
}

function check(cond: boolean, message: string): void {
  if (!cond) throw new PruneguardError('E_BAD_ARGUMENT', message);
}

/** Compresses a dense row-major matrix, dropping exact zeros. */
export function toCsr(dense: Float32Array, rows: number, cols: number): Csr {
  check(dense.length === rows * cols, `toCsr: ${rows}x${cols} needs ${rows * cols} values, got ${dense.length}`);
  let nnz = 0;
  for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) nnz++;
  const rowPtr = new Int32Array(rows + 1);
  const colIdx = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let k = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = dense[i * cols + j];
      if (v !== 0) {
        colIdx[k] = j;
        values[k] = v;
        k++;
      }
    }
    rowPtr[i + 1] = k;
  }
  return { rows, cols, rowPtr, colIdx, values };
}

/** Y = W X with W in CSR. */
export function csrMatmul(
  w: Csr,
  x: Float32Array,
  batch: number,
  out = new Float32Array(w.rows * batch),
): Float32Array {
  check(
    x.length === w.cols * batch,
    `csrMatmul: X must be [${w.cols}, ${batch}] (${w.cols * batch} values), got ${x.length}`,
  );
  out.fill(0);
  const { rowPtr, colIdx, values } = w;
  for (let i = 0; i < w.rows; i++) {
    const yo = i * batch;
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
      const a = values[p];
      const xo = colIdx[p] * batch;
      for (let b = 0; b < batch; b++) out[yo + b] += a * x[xo + b];
    }
  }
  return out;
}

/** Y = W X with W dense (zeros multiplied like any other value, as a dense kernel does). */
export function denseMatmul(
  w: Float32Array,
  rows: number,
  cols: number,
  x: Float32Array,
  batch: number,
  out = new Float32Array(rows * batch),
): Float32Array {
  check(w.length === rows * cols, `denseMatmul: W must be [${rows}, ${cols}], got ${w.length} values`);
  check(
    x.length === cols * batch,
    `denseMatmul: X must be [${cols}, ${batch}] (${cols * batch} values), got ${x.length}`,
  );
  out.fill(0);
  for (let i = 0; i < rows; i++) {
    const yo = i * batch;
    const wo = i * cols;
    for (let j = 0; j < cols; j++) {
      const a = w[wo + j];
      const xo = j * batch;
      for (let b = 0; b < batch; b++) out[yo + b] += a * x[xo + b];
    }
  }
  return out;
}
