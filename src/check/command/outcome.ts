/**
 * What an external pruner can do besides succeed, as errors a property run turns
 * into data: a failure is a finding about the pruner (non-zero exit, timeout, no
 * output, an output that is not a model); a decline (the documented exit code)
 * means "this plan or graph is not something I support" and is counted, not judged.
 */
import type { Finding } from '../../findings.js';

/** The exit code a pruner uses to decline a case it does not support. */
export const DECLINE_EXIT = 10;

/** The invariant every protocol failure is reported under. */
export const PROTOCOL = { invariant: 'pruner-protocol', failureMode: 'shape-mismatch' } as const;

/** An external pruner broke the protocol (crashed, wrote no model, timed out): reported as a finding. */
export class PrunerFailure extends Error {
  readonly finding: Finding;
  constructor(finding: Omit<Finding, 'invariant' | 'failureMode'>) {
    super(finding.message);
    this.name = 'PrunerFailure';
    this.finding = { ...PROTOCOL, ...finding };
  }
}

/** An external pruner declined a case it does not support (exit code 10): the case is skipped, not failed. */
export class PrunerDeclined extends Error {
  constructor(readonly reason: string) {
    super(`the pruner declined the case: ${reason}`);
    this.name = 'PrunerDeclined';
  }
}
