/** Runs a session on IR tensors and returns IR tensors (plain data, easy to compare). */
import type { Tensor as OrtTensor } from 'onnxruntime-node';
import { PruneguardError } from '../errors.js';
import type { Tensor } from '../ir/types.js';
import { describeTensor, fromOrt, toOrt } from './ort-tensor.js';
import { wrapRuntimeError } from './runtime-error.js';
import type { Session } from './session.js';

export type Feeds = Record<string, Tensor>;
export type Outputs = Record<string, Tensor>;

/**
 * Runs the model. Missing or unknown feeds are refused before onnxruntime sees
 * them; onnxruntime failures become PruneguardError('E_RUNTIME') naming the
 * model, the node, and the real input dims/dtypes.
 */
export async function run(session: Session, feeds: Feeds, outputNames?: readonly string[]): Promise<Outputs> {
  const missing = session.inputNames.filter((n) => !(n in feeds));
  const unknown = Object.keys(feeds).filter((n) => !session.inputNames.includes(n));
  if (missing.length || unknown.length) {
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `${session.source}: feeds do not match the model inputs [${session.inputNames.join(', ')}]` +
        (missing.length ? `; missing ${missing.join(', ')}` : '') +
        (unknown.length ? `; unknown ${unknown.join(', ')}` : ''),
    );
  }
  const ortFeeds: Record<string, OrtTensor> = {};
  for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrt(t, name);
  let result: Record<string, OrtTensor>;
  try {
    result = outputNames ? await session.ort.run(ortFeeds, [...outputNames]) : await session.ort.run(ortFeeds);
  } catch (e) {
    const described = Object.entries(feeds)
      .map(([n, t]) => `${n}: ${describeTensor(t)}`)
      .join(', ');
    throw wrapRuntimeError(e, `${session.source}: onnxruntime failed`, `{${described}}`);
  }
  const out: Outputs = {};
  for (const [name, t] of Object.entries(result)) out[name] = fromOrt(t);
  return out;
}
