/**
 * Writes the JSON Schemas pruneguard ships (`schema/plan.json`), generated from the valibot
 * schemas that are also the types and the validators. Run on purpose: `npm run schemas`;
 * src/prune/plan-json-schema.test.ts fails when the shipped file is stale.
 */
import { writeFileSync } from 'node:fs';
import { toJsonSchema } from '@valibot/to-json-schema';
import { PlanSchema } from '../src/prune/plan-schema.js';

/**
 * The plan's JSON Schema (draft-07); checks JSON Schema cannot express (unique indices, n < m) are left to the
 * validator.
 */
export function planJsonSchema(): object {
  return {
    ...toJsonSchema(PlanSchema, { errorMode: 'ignore' }),
    title: 'pruneguard pruning plan',
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = new URL('../schema/plan.json', import.meta.url);
  writeFileSync(file, `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
  process.stdout.write(`wrote ${file.pathname}\n`);
}
