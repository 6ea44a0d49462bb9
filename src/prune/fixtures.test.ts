/**
 * The pruner on real PyTorch exports (fixtures/models): `--ratio 0.3` and head
 * removal give models onnxruntime runs at several input sizes with the dense
 * output shapes, fewer parameters, and — for mask-exact groups — the same outputs
 * as the mask oracle.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../onnx/load.js';
import { analyzeGroups } from './groups.js';
import { ratioPlan } from './plan-resolve.js';
import { pruneAndVerify } from './testing/check.test-helpers.js';

const DIR = 'fixtures/models';
const MANIFEST = `${DIR}/manifest.json`;
interface Entry {
  file: string;
  family: string;
  sizes: Record<string, number[]>[];
  vocab?: number;
}
// committed: a missing manifest fails the file
const entries: Entry[] = (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { models: Entry[] }).models;

it('finds the committed fixture models', () => {
  expect(entries.length, 'models listed in the committed manifest').toBeGreaterThan(0);
});

describe('pruning every fixture', () => {
  for (const e of entries) {
    it(
      `${e.file}: --ratio 0.3 runs at ${e.sizes.length} sizes, shrinks, ` + `and exact groups equal the mask oracle`,
      async () => {
        const dense = loadModelFile(`${DIR}/${e.file}`);
        const all = ratioPlan(analyzeGroups(dense), 0.3, { includeInexact: true });
        expect(all.channels!.length).toBeGreaterThan(0);
        const { report, verified } = await pruneAndVerify(dense, all, e.sizes, e.vocab);
        expect(report.paramsAfter).toBeLessThan(report.paramsBefore);
        expect(verified.shapeMismatch).toBeUndefined();
        if (verified.exact) expect(verified.maxDeviation).toBeLessThan(1e-3);
        // The mask-exact part alone must match the oracle.
        const exactOnly = {
          channels: all.channels!.filter((c) => report.groups.find((g) => g.id === c.group)?.maskExact),
        };
        if (exactOnly.channels.length > 0) {
          const exact = await pruneAndVerify(dense, exactOnly, e.sizes, e.vocab);
          expect(exact.verified).toMatchObject({ exact: true });
          expect(exact.verified.maxDeviation).toBeLessThan(1e-3);
        }
        console.log(
          `${e.file}: params ${report.paramsBefore} → ${report.paramsAfter}; ` +
            `groups ${report.groups.length} (exact ${exactOnly.channels.length}); ` +
            `deviation all=${verified.maxDeviation.toExponential(2)}${verified.exact ? '' : ' (inexact groups)'}`,
        );
      },
    );
  }
});

const transformers = entries.filter((e) => e.family.startsWith('transformer'));

describe('removing one head per layer', () => {
  for (const e of transformers) {
    it(`${e.file}: runs at several input sizes and equals the mask oracle`, async () => {
      const dense = loadModelFile(`${DIR}/${e.file}`);
      const units = analyzeGroups(dense).attention;
      expect(units.length).toBe(2);
      const plan = { heads: units.map((u, i) => ({ attention: u.id, remove: [(i + 1) % u.heads] })) };
      // Token models at several sequence lengths; image models (ViT) at their manifest sizes.
      const sizes = e.vocab ? [1, 5, 16, 33].map((t, i) => ({ input_ids: [1 + (i % 2), t] })) : e.sizes;
      const { report, verified } = await pruneAndVerify(dense, plan, sizes, e.vocab);
      expect(report.heads.map((h) => h.after)).toEqual(units.map((u) => u.heads - 1));
      expect(verified).toMatchObject({ exact: true });
      expect(verified.maxDeviation).toBeLessThan(1e-4);
      console.log(
        `${e.file}: heads ${units.map((u) => u.heads).join(',')} → ${report.heads.map((h) => h.after).join(',')}, ` +
          `params ${report.paramsBefore} → ${report.paramsAfter}, ` +
          `max deviation ${verified.maxDeviation.toExponential(2)}`,
      );
    });
  }
});
