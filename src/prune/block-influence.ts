/**
 * Block influence (ShortGPT, Men et al. 2024): how much a residual block changes the stream it adds
 * to, measured on inputs. BI = 1 − mean cos(x_in, x_out) between the stream entering the block and
 * the stream leaving it; a block whose output points where its input did (BI near 0) does little,
 * and removing it is the cheapest layer removal. Measured per token over the last axis for a
 * [batch, sequence, hidden] stream (as the paper does), per example over every element otherwise.
 */
import type { Model, Tensor } from '../ir/types.js';
import { toFloat32 } from '../ir/tensor.js';
import { exposeIntermediates } from '../runtime/intermediates.js';
import { runReference } from '../runtime/reference-run.js';
import type { Feeds } from '../runtime/run.js';
import { createSession, releaseSession } from '../runtime/session.js';
import type { ResidualBlock } from './layers.js';

/** A residual block with its measured influence. */
export interface BlockInfluence extends ResidualBlock {
  /** 1 − mean cosine similarity of the stream entering and leaving the block (0: the block changes nothing). */
  influence: number;
  /** What one cosine is taken over. */
  per: 'token' | 'example';
  /** How many cosines the mean is over (tokens or examples, over every feed set). */
  samples: number;
}

/** Sum of cosines between matching rows of `a` and `b` ([rows, width] in row-major order). */
function cosineSum(a: Float32Array, b: Float32Array, width: number): { sum: number; rows: number } {
  const rows = width ? a.length / width : 0;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    let dot = 0,
      na = 0,
      nb = 0;
    for (let i = r * width; i < (r + 1) * width; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    // Two zero rows are the same stream (cosine 1); one zero row against another is orthogonal to it.
    sum += na === 0 && nb === 0 ? 1 : na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
  }
  return { sum, rows };
}

/** The width one cosine is taken over, for a stream of this shape. */
function rowWidth(t: Tensor): { width: number; per: BlockInfluence['per'] } {
  if (t.dims.length === 3) return { width: t.dims[2], per: 'token' };
  return { width: t.dims.length ? t.data.length / t.dims[0] : 1, per: 'example' };
}

/**
 * Runs `model` on each feed set once, with every block's input and output exposed, and returns the blocks by
 * rising influence. `source` names the model in errors (a model that cannot run on the feeds is bad input).
 * @example const ranked = await blockInfluence(model, residualBlocks(model), [defaultFeeds(model, 1)], 'm.onnx');
 */
export async function blockInfluence(
  model: Model,
  blocks: readonly ResidualBlock[],
  feeds: readonly Feeds[],
  source: string,
): Promise<BlockInfluence[]> {
  if (!blocks.length) return [];
  const watched = [...new Set(blocks.flatMap((b) => [b.input, b.output]))].filter(
    (v) => !model.graph.inputs.some((i) => i.name === v),
  );
  const session = await createSession(exposeIntermediates(model, watched), { source, memArena: false });
  const totals = blocks.map(() => ({ sum: 0, rows: 0, per: 'token' as BlockInfluence['per'] }));
  try {
    for (const f of feeds) {
      const out = await runReference(session, f, source);
      const value = (name: string) => out[name] ?? f[name];
      blocks.forEach((b, k) => {
        const x = value(b.input);
        const y = value(b.output);
        const { width, per } = rowWidth(y);
        const c = cosineSum(toFloat32(x), toFloat32(y), width);
        totals[k].sum += c.sum;
        totals[k].rows += c.rows;
        totals[k].per = per;
      });
    }
  } finally {
    await releaseSession(session);
  }
  return blocks
    .map((b, k) => ({
      ...b,
      influence: totals[k].rows ? 1 - totals[k].sum / totals[k].rows : 0,
      per: totals[k].per,
      samples: totals[k].rows,
    }))
    .sort((a, b) => a.influence - b.influence);
}

/**
 * The `n` least influential blocks that do not overlap (a block inside another is the same layers): the
 * blocks a ShortGPT-style plan removes.
 */
export function leastInfluential(ranked: readonly BlockInfluence[], n: number): BlockInfluence[] {
  const chosen: BlockInfluence[] = [];
  const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
  for (const b of ranked) {
    if (chosen.length >= n) break;
    if (!chosen.some((c) => overlaps(c.name, b.name))) chosen.push(b);
  }
  return chosen;
}
