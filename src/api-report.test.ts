/**
 * The public API is what api/pruneguard.api.md lists: an export added, removed or re-documented
 * without regenerating the report (`npm run api`) fails here, so the API changes only on purpose.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiExports, apiReport } from '../scripts/api-report.js';

describe('public API report', () => {
  const exports = apiExports();

  it('matches the committed api/pruneguard.api.md', () => {
    const committed = readFileSync(new URL('../api/pruneguard.api.md', import.meta.url), 'utf8');
    expect(apiReport(exports), 'the public API changed: review it and regenerate with npm run api').toBe(committed);
  });

  it('documents every export (a doc comment on its declaration)', () => {
    const undocumented = exports.filter((e) => !e.doc).map((e) => `${e.entry}: ${e.name}`);
    expect(undocumented, 'add a /** doc comment */ to each, then npm run api').toEqual([]);
  });

  it('exports no internals', () => {
    const internal = ['goldenOf', 'stableStringify', 'mergeParts', 'readJsonFile', 'parseOptions'];
    expect(exports.filter((e) => internal.includes(e.name)).map((e) => e.name)).toEqual([]);
  });
});
