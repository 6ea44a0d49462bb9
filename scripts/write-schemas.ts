/**
 * Writes the JSON Schemas pruneguard ships (`schema/plan.json`, `schema/config.json`), generated
 * from the valibot schemas that are also the types and the validators. Run on purpose:
 * `npm run schemas`; src/schemas.test.ts fails when a shipped file is stale.
 */
import { writeFileSync } from 'node:fs';
import { toJsonSchema } from '@valibot/to-json-schema';
import { PlanSchema } from '../src/prune/plan-schema.js';
import { ConfigSchema } from '../src/gate/config-schema.js';

/**
 * The plan's JSON Schema (draft-07); checks JSON Schema cannot express (unique indices, n < m)
 * are left to the validator.
 */
export function planJsonSchema(): object {
  return {
    ...toJsonSchema(PlanSchema, { errorMode: 'ignore' }),
    title: 'pruneguard pruning plan',
  };
}

/**
 * The config's JSON Schema (draft-07); relations JSON Schema cannot express (unique slice names,
 * min <= max, a claim with its batch size) are left to the validator.
 */
export function configJsonSchema(): object {
  return {
    ...toJsonSchema(ConfigSchema, { errorMode: 'ignore' }),
    title: 'pruneguard.config.json',
  };
}

/** Each shipped file (relative to the project root) and what generates it. */
export const SHIPPED_SCHEMAS: Record<string, () => object> = {
  'schema/plan.json': planJsonSchema,
  'schema/config.json': configJsonSchema,
};

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [path, make] of Object.entries(SHIPPED_SCHEMAS)) {
    const file = new URL(`../${path}`, import.meta.url);
    writeFileSync(file, `${JSON.stringify(make(), null, 2)}\n`);
    process.stdout.write(`wrote ${file.pathname}\n`);
  }
}
