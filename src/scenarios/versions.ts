/** The versions that produced a result: recorded in golden headers and reports. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { env } from 'onnxruntime-node';

export interface Versions {
  pruneguard: string;
  'onnxruntime-node': string;
  node: string;
}

/** The pruneguard package root (holds package.json), from src/ or dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      if (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name === 'pruneguard') return dir;
    } catch {
      /* keep walking up */
    }
    dir = dirname(dir);
  }
  throw new Error('pruneguard: cannot find its own package.json');
}

let cached: Versions | undefined;

export function versions(): Versions {
  cached ??= {
    pruneguard: JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version,
    'onnxruntime-node': env.versions.node ?? env.versions.common ?? 'unknown',
    node: process.version,
  };
  return cached;
}
