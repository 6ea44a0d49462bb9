import { describe, expect, it } from 'vitest';
import { convModel, mlpModel } from './tiny-models.test-helpers.js';
import { canMerge, mergeModels } from './merge.js';
import { createSession } from './session.js';
import { randomInputs } from './random-inputs.js';
import { run } from './run.js';

describe('mergeModels', () => {
  it('runs two models in one session with the outputs each gives alone', async () => {
    const a = convModel(3, 4, 5);
    const b = convModel(3, 6, 5);
    expect(canMerge(a, b), 'canMerge(a, b)').toBe(true);
    const feeds = randomInputs(a, { x: [2, 3, 8, 8] }, { seed: 1 });
    const merged = await run(await createSession(mergeModels(a, b, 'p', 'r')), feeds);
    const alone = [await run(await createSession(a), feeds), await run(await createSession(b), feeds)];
    expect(Object.keys(merged).sort()).toEqual(['p/logits', 'r/logits']);
    expect(merged['p/logits'].data).toEqual(alone[0].logits.data);
    expect(merged['r/logits'].data).toEqual(alone[1].logits.data);
  });

  it('refuses models whose inputs differ', () => {
    expect(canMerge(convModel(), mlpModel())).toBe(false);
  });
});
