import { describe, expect, it } from 'vitest';
import { PruneguardError } from '../errors.js';
import { exposeIntermediates } from './intermediates.js';
import { randomInputs } from './random-inputs.js';
import { run } from './run.js';
import { createSession } from './session.js';
import { convModel } from './tiny-models.test-helpers.js';

describe('exposeIntermediates', () => {
  it('runs every intermediate value and reports its real shape, leaving the original untouched', async () => {
    const m = convModel();
    const exposed = exposeIntermediates(m);
    expect(m.graph.outputs.map((o) => o.name)).toEqual(['logits']);
    const out = await run(await createSession(exposed), randomInputs(m, { x: [2, 3, 8, 8] }, { seed: 1 }));
    expect(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.dims]))).toEqual({
      logits: [2, 5],
      c1: [2, 4, 8, 8],
      r1: [2, 4, 8, 8],
      proj: [2, 4, 8, 8],
      sum: [2, 4, 8, 8],
      pool: [2, 4, 1, 1],
      flat: [2, 4],
    });
  });

  it('exposes only the named values and refuses unknown names', () => {
    expect(exposeIntermediates(convModel(), ['sum']).graph.outputs.map((o) => o.name)).toEqual(['logits', 'sum']);
    expect(() => exposeIntermediates(convModel(), ['nope'])).toThrow(PruneguardError);
  });
});
