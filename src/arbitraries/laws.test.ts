/**
 * Laws every graph arbitrary obeys: same seed ⇒ same value; every value is a
 * valid model that onnxruntime loads and runs; every shrink is no larger and
 * the shrink chain ends strictly smaller; generated graphs are not trivial.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { saveModel } from '../onnx/save.js';
import { deriveSizes } from '../invariants/case.js';
import { createSession } from '../runtime/session.js';
import { randomInputs } from '../runtime/random-inputs.js';
import { run } from '../runtime/run.js';
import { inferShapes } from '../shape/infer.js';
import { toFloat32 } from '../ir/tensor.js';
import { buildGraph, FAMILIES, graphRecipe, type Family, type GraphRecipe } from './graph.js';
import { compareSize, graphSize } from './size.js';

const families: readonly Family[] = FAMILIES;
const runs = Number(process.env.PRUNEGUARD_RUNS ?? 0) || 12;

describe.each(families)('%s graphs', (family) => {
  const arb = graphRecipe([family]);

  it('same seed ⇒ same recipe and identical model bytes', () => {
    const a = fc.sample(arb, { seed: 42, numRuns: 5 });
    const b = fc.sample(arb, { seed: 42, numRuns: 5 });
    expect(a).toEqual(b);
    a.forEach((r, i) =>
      expect(
        Buffer.from(saveModel(buildGraph(r))).equals(Buffer.from(saveModel(buildGraph(b[i])))),
        'the bytes are identical',
      ).toBe(true),
    );
  });

  it('every value is a valid model: static inference finds no problem and onnxruntime runs it', async () => {
    for (const recipe of fc.sample(arb, { seed: 7, numRuns: runs })) {
      const model = buildGraph(recipe);
      const shapes = inferShapes(model);
      expect(shapes.problems, JSON.stringify(recipe)).toEqual([]);
      const session = await createSession(model);
      for (const sizes of deriveSizes(model)) {
        const out = await run(session, randomInputs(model, sizes, { seed: 1 }));
        for (const name of model.graph.outputs.map((o) => o.name)) {
          expect([...toFloat32(out[name])].every(Number.isFinite), `${name} of ${JSON.stringify(recipe)}`).toBe(true);
        }
      }
    }
  });

  it('shrinking only makes graphs smaller and ends strictly smaller', () => {
    let checked = 0;
    fc.assert(
      fc.property(arb, (start) => {
        const chain: GraphRecipe[] = [];
        // A predicate that always fails makes fast-check accept the first shrink at every step,
        // so the values it sees form a chain in which each is a shrink of the one before.
        fc.check(
          fc.property(arb, (r) => {
            chain.push(r);
            return false;
          }),
          { seed: start.seed, numRuns: 1, endOnFailure: false },
        );
        const sizes = chain.map((r) => graphSize(buildGraph(r)));
        for (let i = 1; i < sizes.length; i++)
          expect(compareSize(sizes[i], sizes[i - 1]), JSON.stringify(chain[i])).toBeLessThanOrEqual(0);
        if (sizes.length > 1 && compareSize(sizes[0], sizes[sizes.length - 1]) !== 0) checked++;
        if (sizes.length > 1) expect(compareSize(sizes[sizes.length - 1], sizes[0])).toBeLessThanOrEqual(0);
      }),
      { seed: 3, numRuns: Math.max(5, Math.floor(runs / 2)) },
    );
    expect(checked).toBeGreaterThan(0);
  });

  it('health: graphs are not trivial', () => {
    const sizes = fc
      .sample(arb, { seed: 11, numRuns: 40 })
      .map((r) => graphSize(buildGraph(r)).nodes)
      .sort((a, b) => a - b);
    expect(sizes[Math.floor(sizes.length / 2)], `median node count of ${family} graphs`).toBeGreaterThanOrEqual(6);
  });
});
