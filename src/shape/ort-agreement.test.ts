/**
 * Differential oracle: for every fixture model and both manifest input sizes, the
 * statically inferred shape of every value must equal the shape onnxruntime produces
 * when every intermediate is exposed as a graph output.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../onnx/load.js';
import { createSession, releaseSession } from '../runtime/session.js';
import { exposeIntermediates } from '../runtime/intermediates.js';
import { randomInputs } from '../runtime/random-inputs.js';
import { run } from '../runtime/run.js';
import { formatShape } from './dims.js';
import { inferShapes } from './infer.js';

const DIR = join(process.cwd(), 'fixtures/models');
const MANIFEST = join(DIR, 'manifest.json');

interface Entry {
  file: string;
  sizes: Record<string, number[]>[];
  vocab?: number;
}
// committed: a missing manifest fails the file
const entries: Entry[] = (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { models: Entry[] }).models;

it('finds the committed fixture models', () => {
  expect(entries.length, 'models listed in the committed manifest').toBeGreaterThan(0);
});

describe('static shapes agree with onnxruntime on fixture models', () => {
  for (const entry of entries) {
    for (const sizes of entry.sizes) {
      it(`${entry.file} at ${JSON.stringify(sizes)}`, async () => {
        const model = loadModelFile(join(DIR, entry.file));
        const inferred = inferShapes(model, { inputShapes: sizes });
        const exposed = exposeIntermediates(model);
        const session = await createSession(exposed, { graphOptimizationLevel: 'disabled' });
        const outputs = await run(session, randomInputs(model, sizes, { seed: 1, vocab: entry.vocab ?? 10 }));
        await releaseSession(session);
        const graphOutputs = new Set(model.graph.outputs.map((o) => o.name));
        const mismatches: string[] = [];
        let matched = 0;
        for (const [name, t] of Object.entries(outputs)) {
          const got = inferred.values.get(name);
          const ok =
            got?.shape !== undefined &&
            got.shape.length === t.dims.length &&
            got.shape.every((d, i) => d === t.dims[i]);
          if (ok) matched++;
          else
            mismatches.push(
              `${graphOutputs.has(name) ? 'OUTPUT ' : ''}${name}: ` +
                `inferred ${formatShape(got?.shape)}${got?.unknownReason ? ` (${got.unknownReason})` : ''}, ` +
                `runtime [${t.dims.join(',')}]`,
            );
        }
        const total = Object.keys(outputs).length;
        console.log(
          `${entry.file} ${JSON.stringify(sizes)}: ${matched}/${total} values agree ` +
            `(${((100 * matched) / total).toFixed(1)}%), ${inferred.problems.length} problems`,
        );
        if (mismatches.length) console.log(mismatches.join('\n'));
        expect(inferred.problems).toEqual([]);
        expect(mismatches.filter((m) => m.startsWith('OUTPUT '))).toEqual([]);
        expect(mismatches).toEqual([]);
      });
    }
    it(`${entry.file} symbolically (no inputShapes): every rank known, no problems`, () => {
      const model = loadModelFile(join(DIR, entry.file));
      const r = inferShapes(model);
      const unknownRank = model.graph.nodes.flatMap((n) => n.outputs).filter((o) => o && !r.values.get(o)?.shape);
      expect(unknownRank).toEqual([]);
      expect(r.problems).toEqual([]);
      for (const o of model.graph.outputs) expect(r.values.get(o.name)?.shape).toEqual(o.shape);
    });
  }
});
