/**
 * Which stored tensors several nodes read, and what pruning does with each (`inspect` shows them):
 * - `unshared`: an exporter de-duplicated equal values (per-head ALiBi slopes, norm weights, masks, shape
 *   vectors in every layer) into one initializer; each parameter-like use got its own copy before
 *   analysis (prepare.ts), so the layers are pruned independently.
 * - `tied`: one weight read by several weight-bearing ops (tied embeddings: the embedding Gather and the
 *   LM head MatMul): a real tie, pruned consistently for every reader.
 * - `tied-transposed`: a weight stored twice, one the transpose of the other (torch folds the tied LM
 *   head's `W^T` into a fresh initializer): both are members of the same groups, so they are sliced
 *   alike and stay each other's transpose.
 */
import { aliasesOf } from '../ir/constants.js';
import type { Tensor } from '../ir/types.js';
import type { GroupAnalysis } from './groups.js';
import { nodeLabel } from './spaces.js';

/** One shared (or de-duplicated) stored tensor and the nodes that read it. */
export interface SharedConstant {
  tensor: string;
  kind: 'unshared' | 'tied' | 'tied-transposed';
  /** For `tied-transposed`: the other copy. */
  with?: string;
  dtype: string;
  elements: number;
  /** Nodes reading it (and, for `unshared`, its per-use copies). */
  uses: string[];
}

/** Smallest weight compared for a transposed copy (shape vectors and scalars are never ties). */
const MIN_TIED = 16;

function isTranspose(a: Tensor, b: Tensor): boolean {
  if (a.dims.length !== 2 || b.dims.length !== 2 || a.dtype !== b.dtype || a.dtype === 'string') return false;
  const [m, n] = a.dims;
  if (b.dims[0] !== n || b.dims[1] !== m || m * n < MIN_TIED) return false;
  const [x, y] = [a.data as ArrayLike<number>, b.data as ArrayLike<number>];
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) if (x[i * n + j] !== y[j * m + i]) return false;
  return true;
}

/** The shared stored tensors of an analysed model, by kind (names sorted within each kind). */
export function sharedConstants(analysis: GroupAnalysis): SharedConstant[] {
  const { model, prop, copies } = analysis;
  const index = prop.index;
  const out: SharedConstant[] = [];
  const readers = (name: string) =>
    [...aliasesOf(name, index)].flatMap((a) =>
      (index.consumers.get(a) ?? []).filter((u) => u.node.opType !== 'Identity').map((u) => nodeLabel(u.node)),
    );
  const byRoot = new Map<string, string[]>();
  for (const c of copies) byRoot.set(c.root, [...(byRoot.get(c.root) ?? []), c.copy]);
  const about = (t: Tensor | undefined) => ({ dtype: t?.dtype ?? '?', elements: t?.data.length ?? 0 });
  for (const [root, cs] of [...byRoot].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const value = copies.find((c) => c.root === root)?.value;
    out.push({ tensor: root, kind: 'unshared', ...about(value), uses: [root, ...cs].flatMap(readers) });
  }
  const weights = [...model.graph.initializers].filter(([name]) => !byRoot.has(name));
  for (const [name, t] of weights) {
    const uses = [...new Set(readers(name))];
    if (uses.length > 1 && t.data.length >= MIN_TIED) out.push({ tensor: name, kind: 'tied', ...about(t), uses });
  }
  const big = weights.filter(([, t]) => t.dims.length === 2 && t.data.length >= MIN_TIED);
  for (let i = 0; i < big.length; i++)
    for (let j = i + 1; j < big.length; j++)
      if (isTranspose(big[i][1], big[j][1]))
        out.push({
          tensor: big[i][0],
          kind: 'tied-transposed',
          with: big[j][0],
          ...about(big[i][1]),
          uses: [...readers(big[i][0]), ...readers(big[j][0])],
        });
  return out;
}
