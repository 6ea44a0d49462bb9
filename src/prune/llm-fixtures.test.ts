/**
 * The Llama-style decoder fixtures (scripts/make_llm_fixtures.py): onnxruntime
 * reproduces the torch outputs saved beside them, so the pruning tests below
 * start from exports that compute what PyTorch computed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readArraysFile } from '../data/npz.js';
import { loadModelFile } from '../onnx/load.js';
import { compareTensors, createSession, releaseSession, run, type Feeds } from '../runtime/index.js';

const DIR = 'fixtures/models';
const MANIFEST = `${DIR}/manifest.json`;
interface Entry { file: string; family: string; reference?: string; inputs: { name: string }[]; outputs: { name: string }[] }
const decoders: Entry[] = existsSync(MANIFEST)
  ? (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { models: Entry[] }).models.filter((e) => e.family === 'decoder-llama')
  : [];

describe.skipIf(decoders.length === 0)('Llama-style decoder fixtures', () => {
  for (const e of decoders) {
    it(`${e.file}: onnxruntime reproduces the torch reference`, async () => {
      const arrays = readArraysFile(e.reference!);
      const feeds: Feeds = Object.fromEntries(e.inputs.map((i) => [i.name, arrays.get(i.name)!]));
      const session = await createSession(loadModelFile(`${DIR}/${e.file}`));
      const out = await run(session, feeds);
      await releaseSession(session);
      for (const o of e.outputs) {
        const c = compareTensors(out[o.name], arrays.get(o.name)!, { atol: 1e-5, rtol: 1e-4 });
        expect(c.pass, `${o.name}: max abs ${c.maxAbs} ${c.reason ?? ''}`).toBe(true);
      }
    });
  }
});
