/**
 * Runs the reference side of a comparison (the dense model, or its mask oracle) and, when it fails,
 * says who is to blame: if the dense model itself cannot run on the feeds, the inputs do not suit
 * the model (bad input naming the dense model's file, never "the pruned model failed"); if only the
 * oracle fails, that is pruneguard's own bug (a plain Error: an internal error).
 */
import { PruneguardError } from '../errors.js';
import type { Model } from '../ir/types.js';
import { run, type Feeds, type Outputs } from './run.js';
import { createSession, releaseSession, type ModelFile, type Session } from './session.js';

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0];

/** `name=[dims] ...` of a feed set, for messages; an integer scalar shows its value (`sr=16000`: which branch ran). */
export const describeFeeds = (f: Feeds): string =>
  Object.entries(f)
    .map(([k, t]) =>
      t.dims.length === 0 && /int/.test(t.dtype)
        ? `${k}=${(t.data as ArrayLike<number | bigint>)[0]}`
        : `${k}=[${t.dims.join(',')}]`,
    )
    .join(' ');

/** The bad-input error for a dense model that cannot run on `feeds`. */
export function denseCannotRun(denseSource: string, feeds: Feeds, e: unknown): PruneguardError {
  return new PruneguardError(
    'E_RUNTIME',
    `${denseSource}: dense model cannot run on these inputs (${describeFeeds(feeds)}): ${firstLine(e)}`,
    { cause: e },
  );
}

/**
 * @param oracleOf the dense model (or its file) when `reference` is a session of its mask oracle; undefined when
 *   `reference` is the dense model itself.
 * @example const want = await runReference(oracle, feeds, 'model.onnx', dense);
 */
export async function runReference(
  reference: Session,
  feeds: Feeds,
  denseSource: string,
  oracleOf?: Model | ModelFile,
): Promise<Outputs> {
  try {
    return await run(reference, feeds);
  } catch (e) {
    if (!oracleOf) throw denseCannotRun(denseSource, feeds, e);
    let dense: Session;
    try {
      dense = await createSession(oracleOf, { source: denseSource, memArena: false, prepacking: false });
    } catch (le) {
      throw new PruneguardError(
        'E_RUNTIME',
        `${denseSource}: onnxruntime cannot load the dense model: ${firstLine(le)}`,
        { cause: le },
      );
    }
    try {
      await run(dense, feeds);
    } catch (de) {
      throw denseCannotRun(denseSource, feeds, de);
    } finally {
      await releaseSession(dense);
    }
    throw new Error(
      `the mask oracle of ${denseSource} fails where the dense model runs (a pruneguard bug): ${firstLine(e)}`,
      { cause: e },
    );
  }
}
