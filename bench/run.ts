/**
 * Runs every bench/*.bench.ts and prints a table of medians.
 *   npm run bench                      all benchmarks
 *   npm run bench -- --filter load     only names containing "load"
 *   npm run bench -- --json out.json   also write the entries as a JSON array
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchEntry, Benchmark } from './harness.js';

const { values } = parseArgs({ options: { json: { type: 'string' }, filter: { type: 'string' } } });
const dir = import.meta.dirname;
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .sort();
const results: (BenchEntry & { benchmark: string })[] = [];

for (const file of files) {
  const bench = (await import(pathToFileURL(join(dir, file)).href)).default as Benchmark;
  if (values.filter && !bench.name.includes(values.filter)) continue;
  process.stderr.write(`running ${bench.name} ...\n`);
  for (const e of await bench.run()) results.push({ benchmark: bench.name, ...e });
}

const fmt = (n: number | null, digits = 3) => (n === null ? '-' : n.toPrecision(digits));
const rows = results.map((r) => [
  r.name,
  `${fmt(r.value)} ${r.unit}`,
  r.baseline === null ? '-' : `${fmt(r.baseline)} ${r.unit}`,
  fmt(r.ratio),
  r.target === null ? '-' : `<= ${r.target}`,
  r.target === null || r.ratio === null ? '' : r.ratio <= r.target ? 'ok' : 'MISSED',
]);
const header = ['benchmark (median)', 'value', 'baseline', 'ratio', 'target', ''];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const row of [header, ...rows])
  console.log(
    row
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd(),
  );

if (values.json) {
  writeFileSync(values.json, JSON.stringify(results, null, 2) + '\n');
  process.stderr.write(`wrote ${values.json}\n`);
}
