/** What one gate of `check` did, and how outcomes become one verdict per failure mode. */
import { FAILURE_MODES, failing, type FailureMode, type Finding } from '../findings.js';

export interface GateOutcome {
  /** Gate name: structure, nm-conformance, aggregate, slices, monotone-budget, latency, calibration-freshness. */
  gate: string;
  mode: FailureMode;
  /** False: the gate was not applicable (reason says what it needs). */
  ran: boolean;
  /** One line: what ran and on what, or why it was skipped. */
  reason: string;
  findings: Finding[];
}

export type VerdictStatus = 'pass' | 'fail' | 'skipped';

export interface ModeVerdict {
  status: VerdictStatus;
  /** One line why. */
  reason: string;
  /** Every finding of the mode (warnings included; only errors fail). */
  findings: Finding[];
  /** The gates that guard this mode, with what each did. */
  gates: { gate: string; ran: boolean; reason: string; failing: number }[];
}

/** A mode fails on any failing finding, passes when some gate ran, else is skipped. */
export function verdicts(outcomes: readonly GateOutcome[]): Record<FailureMode, ModeVerdict> {
  const out = {} as Record<FailureMode, ModeVerdict>;
  for (const mode of FAILURE_MODES) {
    const mine = outcomes.filter((o) => o.mode === mode);
    const findings = mine.flatMap((o) => o.findings);
    const gates = mine.map((o) => ({
      gate: o.gate,
      ran: o.ran,
      reason: o.reason,
      failing: failing(o.findings).length,
    }));
    const ran = mine.filter((o) => o.ran);
    const bad = gates.filter((g) => g.failing > 0);
    const status: VerdictStatus = bad.length ? 'fail' : ran.length ? 'pass' : 'skipped';
    const reason =
      status === 'fail'
        ? bad.map((g) => `${g.gate}: ${g.failing} finding${g.failing > 1 ? 's' : ''}`).join('; ')
        : status === 'pass'
          ? ran.map((o) => `${o.gate}: ${o.reason}`).join('; ')
          : mine.length
            ? mine.map((o) => `${o.gate}: ${o.reason}`).join('; ')
            : 'no gate guards this mode';
    out[mode] = { status, reason, findings, gates };
  }
  return out;
}
