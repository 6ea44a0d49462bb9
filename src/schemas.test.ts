/**
 * The JSON Schemas shipped in the package (`pruneguard/schema/*.json`) are generated from the
 * valibot schemas that are the types and the validators: this fails when a shipped file is stale
 * (regenerate on purpose with `npm run schemas`) or not exported by package.json.
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { SHIPPED_SCHEMAS } from '../scripts/write-schemas.js';
import { ConfigSchema } from './gate/config-schema.js';

const root = new URL('..', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

describe('shipped JSON Schemas', () => {
  const pkg = JSON.parse(read('package.json'));

  for (const [path, make] of Object.entries(SHIPPED_SCHEMAS)) {
    it(`${path} is what its valibot schema generates, and the package exports it`, () => {
      expect(JSON.parse(read(path)), `${path} is stale: regenerate with npm run schemas`).toEqual(make());
      expect(pkg.exports[`./${path}`]).toBe(`./${path}`);
      expect(pkg.files).toContain(path.split('/')[0]);
    });
  }

  it('docs/config.md: the example config names the shipped schema and validates', () => {
    const example = JSON.parse(/```json\n([\s\S]*?)```/.exec(read('docs/config.md'))![1]);
    expect(example.$schema).toBe('./node_modules/pruneguard/schema/config.json');
    const shipped = JSON.parse(read('schema/config.json'));
    expect(Object.keys(example).filter((k) => !(k in shipped.properties))).toEqual([]);
    expect(v.safeParse(ConfigSchema, example, { abortEarly: false }).issues).toBeUndefined();
  });
});
