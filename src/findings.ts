/**
 * Findings are data: what an invariant or gate found, tagged with the failure
 * mode it belongs to. Invariants return them; they never throw them.
 */
export const FAILURE_MODES = [
  'accuracy-cliff',
  'hardware-headroom',
  'slice-regression',
  'shape-mismatch',
  'nm-nonconformance',
  'quantization-compounding',
] as const;

/** What a finding means for a deployment (accuracy cliff, shape mismatch, slice regression, ...). */
export type FailureMode = (typeof FAILURE_MODES)[number];

/** What an invariant or gate found wrong: data with its failure mode, expected and received values and where. */
export interface Finding {
  invariant: string;
  failureMode: FailureMode;
  message: string;
  expected?: unknown;
  received?: unknown;
  /** Node, tensor, group or slice the finding is about. */
  where?: string;
  /** 'warning' findings are reported but do not fail a check (default 'error'). */
  severity?: 'error' | 'warning';
}

/** Findings that fail a check (everything but warnings). */
export function failing<F extends Finding>(findings: readonly F[]): F[] {
  return findings.filter((f) => f.severity !== 'warning');
}
