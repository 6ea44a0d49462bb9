/** Problems with a plan as data, collected and thrown once as one E_BAD_PLAN. */
import { PruneguardError } from '../errors.js';
import { listProblems } from '../util/budgets.js';

/** One problem with a plan: data, collected with all the others. */
export interface PlanIssue {
  path: string;
  message: string;
  expected?: string;
  received?: unknown;
}

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** Throws one E_BAD_PLAN listing every issue (no-op when there are none). */
export function throwIssues(issues: readonly PlanIssue[], source = 'plan'): void {
  if (issues.length === 0) return;
  const lines = issues.map(
    (i) => `  ${i.path}: ${i.message}${i.expected ? ` (expected ${i.expected}, received ${show(i.received)})` : ''}`,
  );
  const err = new PruneguardError(
    'E_BAD_PLAN',
    `${source} has ${issues.length} problem${issues.length > 1 ? 's' : ''}:\n${listProblems(lines, '\n')}`,
  );
  (err as PruneguardError & { issues: readonly PlanIssue[] }).issues = issues;
  throw err;
}
