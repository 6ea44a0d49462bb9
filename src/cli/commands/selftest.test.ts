/** `pruneguard selftest --json`: the report's contract, on one fault (properties/quality.test.ts runs them all). */
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';

async function selftest(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['selftest', ...argv], { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('pruneguard selftest --json', () => {
  it(
    'per fault: caught, by which invariants, cases to the first catch, ' + 'the shrunk size and a replay command',
    async () => {
      const r = await selftest('--json', '--runs', '40', '--seed', '3', '--fault', 'reshape-heads-not-updated');
      expect(r.code).toBe(0);
      const report = JSON.parse(r.out);
      expect(report).toMatchObject({ runs: 40, seed: 3, ok: true });
      expect(report.faults).toHaveLength(1);
      const [f] = report.faults;
      expect(f).toMatchObject({
        fault: 'reshape-heads-not-updated',
        failureMode: 'shape-mismatch',
        caught: true,
        caughtByExpected: true,
        caughtBy: ['shape-consistency'],
      });
      expect(f.casesToFirstCatch).toBeGreaterThan(0);
      expect(f.shrunk.nodes).toBeLessThanOrEqual(8);
      expect(f.replay).toMatch(/^pruneguard selftest --fault reshape-heads-not-updated --seed 3 --path [\d:]+$/);
    },
  );

  it('an unknown fault is a clear error with exit code 2', async () => {
    const r = await selftest('--json', '--fault', 'nope');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nope/);
  });
});
