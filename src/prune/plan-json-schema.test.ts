/**
 * The JSON Schema shipped as `pruneguard/schema/plan.json` (generated from the valibot PlanSchema,
 * checked fresh by src/schemas.test.ts) describes the README's example plan.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { PlanSchema } from './plan-schema.js';

const shipped = JSON.parse(readFileSync(new URL('../../schema/plan.json', import.meta.url), 'utf8'));

describe('schema/plan.json', () => {
  it('describes the README example plan, and the validator accepts it with $schema', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const example = JSON.parse(/### Plans\s+```json\n([\s\S]*?)```/.exec(readme)![1]);
    expect(
      Object.keys(example).every((k) => k in shipped.properties),
      'every key of the README plan is in the schema',
    ).toBe(true);
    const issues = v.safeParse(PlanSchema, { $schema: 'node_modules/pruneguard/schema/plan.json', ...example }).issues;
    expect(issues).toBeUndefined();
  });
});
