/**
 * Judges one output of a run against its reference, the way its kind asks (see output-kinds.ts):
 * continuous outputs by the tolerance of their precision and magnitude (tolerance.ts), outputs
 * behind a discrete decision by the share of elements that agree (equal for integers, within that
 * tolerance for floats) against an agreement threshold.
 */
import type { Tensor } from '../ir/types.js';
import { compareTensors, type Tolerance } from './compare.js';
import type { OutputKind } from './output-kinds.js';
import { derivedTolerance, magnitude } from './tolerance.js';

/** Share of elements that must agree for an output behind a discrete decision (default). */
export const DEFAULT_AGREEMENT = 0.99;

export interface JudgeOptions {
  /** Fixed atol/rtol instead of the derived ones (a user's explicit setting). */
  tolerance?: Tolerance;
  /** Required agreement for discrete outputs (default DEFAULT_AGREEMENT). */
  agreement?: number;
}

export interface OutputJudgement {
  name: string;
  /** 'tolerance': every element within atol + rtol·|ref|; 'agreement': the share of agreeing elements. */
  judged: 'tolerance' | 'agreement';
  /** Why it is judged so, in words (precision and magnitude, or the decision it goes through). */
  basis: string;
  atol: number;
  rtol: number;
  maxDeviation: number;
  /** Share of elements within tolerance (every output reports it; 'agreement' outputs are judged by it). */
  agreement: number;
  /** The required agreement ('agreement' outputs only). */
  threshold?: number;
  pass: boolean;
  /** Shapes or dtypes differ: nothing was compared. */
  mismatch?: string;
  /** Why this output could not have shown a pruning error on these inputs (it is all zeros), if so. */
  uninformative?: string;
}

/** @example judgeOutput(kind, prunedOut, oracleOut).pass */
export function judgeOutput(kind: OutputKind, got: Tensor, want: Tensor, options: JudgeOptions = {}): OutputJudgement {
  const scale = magnitude(want);
  const derived = derivedTolerance(kind.precision, scale);
  const tol = { atol: options.tolerance?.atol ?? derived.atol, rtol: options.tolerance?.rtol ?? derived.rtol };
  const c = compareTensors(got, want, tol);
  const n = want.data.length;
  const agreement = c.reason ? 0 : n === 0 ? 1 : 1 - c.mismatches / n;
  const precisionText = options.tolerance
    ? 'given tolerance'
    : `${kind.precision} precision, magnitude ${scale.toPrecision(3)}`;
  const base = {
    name: kind.name,
    atol: tol.atol,
    rtol: tol.rtol,
    maxDeviation: c.maxAbs,
    agreement,
    ...(c.reason ? { mismatch: c.reason } : {}),
    // A reference that is 0 everywhere (a zero-initialised head, a dead ReLU) equals any pruning's
    // output that is also 0: passing says nothing about the channels removed.
    ...(!c.reason && n > 0 && scale === 0 && c.maxAbs === 0
      ? { uninformative: 'the reference has no nonzero finite value on these inputs' }
      : {}),
  };
  if (kind.decision) {
    const threshold = options.agreement ?? DEFAULT_AGREEMENT;
    return {
      ...base,
      judged: 'agreement',
      basis: `through ${kind.decision.op} '${kind.decision.node}' (${precisionText})`,
      threshold,
      pass: !c.reason && agreement >= threshold,
    };
  }
  return { ...base, judged: 'tolerance', basis: precisionText, pass: c.pass };
}
