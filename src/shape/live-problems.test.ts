import { describe, expect, it } from 'vitest';
import { liveProblems } from './live-problems.js';
import type { BranchPoint } from './types.js';

const at = (...nodes: string[]) => nodes.map((node) => ({ node }));
const point = (scope: string, node: string, taken?: string): BranchPoint => ({
  scope,
  node,
  branches: ['then_branch', 'else_branch'],
  taken,
});

describe('liveProblems', () => {
  it('keeps problems outside any branch, drops a dead branch, keeps the taken one', () => {
    const problems = at('conv', 'if > then_branch > pad', 'if > else_branch > pool');
    expect(liveProblems(problems, [point('', 'if', 'else_branch')])).toEqual(at('conv', 'if > else_branch > pool'));
  });

  it('an undecided If blocks only when every branch has a problem, at every depth', () => {
    const inner = point('if > else_branch > ', 'inner');
    const oneSide = at('if > then_branch > a', 'if > else_branch > inner > then_branch > b');
    expect(liveProblems(oneSide, [point('', 'if'), inner])).toEqual([]);
    const everyPath = [...oneSide, ...at('if > else_branch > inner > else_branch > c')];
    expect(liveProblems(everyPath, [point('', 'if'), inner]).map((p) => p.node)).toEqual([
      'if > then_branch > a',
      'if > else_branch > inner > then_branch > b',
      'if > else_branch > inner > else_branch > c',
    ]);
  });
});
