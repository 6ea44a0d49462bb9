#!/usr/bin/env node
/**
 * Fails (exit 1) when a tracked `*.ts`, `*.mjs` or `*.js` file has a line over 120 characters.
 * biome formats code to 120 columns but leaves long strings and comments alone; this catches them.
 * Run by `npm run lint`. Files biome ignores (fixtures, golden, reports, generated schema) are skipped.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX = 120;
const SKIPPED = /^(fixtures|golden|reports|schema|api|dist|node_modules)\/|\/testdata\//;

const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
})
  .split('\0')
  .filter((f) => /\.(ts|mjs|js)$/.test(f) && !SKIPPED.test(f));

const long = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // listed by git but deleted in the work tree
  }
  text.split('\n').forEach((line, i) => {
    // Characters, not UTF-16 units: '×' and '→' count once, as an editor shows them.
    const length = [...line].length;
    if (length > MAX) long.push(`${file}:${i + 1}: ${length} characters`);
  });
}
if (long.length) {
  process.stderr.write(`${long.join('\n')}\n${long.length} line(s) over ${MAX} characters: split strings with +, `);
  process.stderr.write('rewrap comments\n');
  process.exit(1);
}
process.stdout.write(`line length: ${files.length} files, no line over ${MAX} characters\n`);
