/**
 * Which shape problems a run can actually meet. A problem inside an `If` branch matters only when
 * that branch can run: a condition known statically (folded from the sizes) runs one branch, so
 * problems in the other are dead; a condition computed at run time may take either branch, so the
 * `If` fails only when every branch has a problem of its own (an audio model branching on the
 * sample rate runs at a length one branch's front end refuses, as long as the other accepts it).
 * The rule applies at every depth: a branch's problems are themselves filtered by the `If`s in it.
 * With `everyBranch`, an undecided `If` counts the problems of all its branches: sizes at which
 * every branch a run may take can run (what a verification that feeds each branch needs).
 */
import type { BranchPoint, ShapeProblem } from './types.js';

/**
 * The problems that stand in the way of every path through the graph: those outside any branch,
 * those in the branch a known condition takes, and those of an undecided `If` whose every branch
 * has one. Empty: some path runs without a problem the inference knows of.
 * @param problems problems labelled as `inferShapes` labels them (`IF > then_branch > node`).
 * @param branchPoints `inferShapes`' `branchPoints`, in the same labels.
 */
export function liveProblems<P extends Pick<ShapeProblem, 'node'>>(
  problems: readonly P[],
  branchPoints: readonly BranchPoint[],
  options: { everyBranch?: boolean } = {},
): P[] {
  return inScope(problems, branchPoints, '', options.everyBranch ?? false);
}

function inScope<P extends Pick<ShapeProblem, 'node'>>(
  problems: readonly P[],
  branchPoints: readonly BranchPoint[],
  scope: string,
  everyBranch: boolean,
): P[] {
  const live: P[] = [];
  const inBranches = new Set<P>();
  for (const point of branchPoints) {
    if (point.scope !== scope) continue;
    const perBranch = point.branches.map((branch) => {
      const prefix = `${scope}${point.node} > ${branch} > `;
      const inside = problems.filter((p) => p.node.startsWith(prefix));
      for (const p of inside) inBranches.add(p);
      return inScope(inside, branchPoints, prefix, everyBranch);
    });
    if (point.taken !== undefined) live.push(...(perBranch[point.branches.indexOf(point.taken)] ?? []));
    else if (everyBranch || perBranch.every((ps) => ps.length > 0)) live.push(...perBranch.flat());
  }
  return [...problems.filter((p) => !inBranches.has(p)), ...live];
}
