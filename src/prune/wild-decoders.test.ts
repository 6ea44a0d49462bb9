/**
 * Opt-in: decoders kept outside the repository, in other exporters' layouts and naming (Qwen2 biases,
 * Phi's fused Split qkv, NeoX [H,3,hd], Falcon MQA, Gemma, Mistral's sliding window, GPT-2 Conv1D and
 * a stacked cache, jit.script, no constant folding, external data...). Written by
 * `/usr/bin/python3 scripts/make_wild_decoders.py DIR`, run with `PRUNEGUARD_DECODERS=DIR`; skipped
 * without it. Nothing here knows a model by name: every check reads the graph (or DIR/decoders.json,
 * which says what the exporter was asked to write: heads, KV heads, cache values, the layer prefix).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readArraysFile } from '../data/npz.js';
import { tempDir } from '../fs/temp-dir.test-helpers.js';
import { loadModelFile } from '../onnx/load.js';
import type { Model } from '../ir/types.js';
import { compareTensors, createSession, releaseSession, run, type Feeds } from '../runtime/index.js';
import { coverage } from './coverage.js';
import { analyzeGroups, type GroupAnalysis } from './groups.js';
import type { Plan } from './plan.js';
import { prune } from './prune.js';
import { verify } from './verify.js';

const dir = process.env.PRUNEGUARD_DECODERS ? resolve(process.env.PRUNEGUARD_DECODERS) : '';
const root = resolve(import.meta.dirname, '../..');

/** What the exporter was asked to write (decoders.json beside the models). */
interface Entry {
  file: string;
  inputs_file: string;
  reference: string;
  notes: string;
  heads: number;
  kv_heads: number;
  inputs: string[];
  outputs: string[];
  cache_inputs: string[];
  cache_outputs: string[];
  layers: number;
  /** Layer 1's residual block as the exporter named its nodes (`h.1`, `layers.1`). */
  layer: string;
  /** Layer 1's own cache inputs and outputs. */
  layer_cache: string[];
  /** Why this layout's heads cannot be pruned (then they must be blocked, naming a cache value). */
  heads_blocked: string | null;
}

const entries: Entry[] =
  dir && existsSync(join(dir, 'decoders.json'))
    ? (JSON.parse(readFileSync(join(dir, 'decoders.json'), 'utf8')) as { models: Entry[] }).models
    : [];

/** The inputs torch ran (valid positions and masks) as onnxruntime feeds. */
function feedsOf(e: Entry): Feeds {
  const arrays = readArraysFile(join(dir, e.inputs_file));
  return Object.fromEntries(e.inputs.map((n) => [n, arrays.get(n)!]));
}

const load = (e: Entry) => loadModelFile(join(dir, e.file));

/** Prunes with `plan` and judges the pruned model against the mask oracle on torch's inputs. */
async function pruneVerify(dense: Model, analysis: GroupAnalysis, plan: Plan, e: Entry) {
  const { model: pruned, report } = prune(dense, plan, { analysis });
  const verified = await verify(dense, pruned, plan, [feedsOf(e)], { analysis });
  return { pruned, report, verified };
}

const line = (e: Entry, what: string) => console.log(`${e.file}: ${what}`);

describe.runIf(entries.length > 0)(`decoders outside the repository (${dir})`, () => {
  for (const e of entries) {
    describe(`${e.file} (${e.notes})`, () => {
      it('onnxruntime reproduces the torch outputs', async () => {
        const arrays = readArraysFile(join(dir, e.reference));
        const session = await createSession(load(e));
        const out = await run(session, feedsOf(e));
        await releaseSession(session);
        for (const o of e.outputs) {
          const c = compareTensors(out[o], arrays.get(o)!, { atol: 1e-4, rtol: 1e-4 });
          expect(c.pass, `${o}: max abs ${c.maxAbs} ${c.reason ?? ''}`).toBe(true);
        }
      });

      it('inspect: attention units per layer, MLP groups, coverage', () => {
        const dense = load(e);
        const analysis = analyzeGroups(dense);
        const covered = coverage(analysis, dense);
        const heads = analysis.attention.filter((u) => !u.query);
        const query = analysis.attention.filter((u) => u.query);
        const mlp = analysis.groups.filter((g) => g.kind === 'channels' && !g.blocked && g.maskExact && !g.headDim);
        line(
          e,
          `units ${heads.map((u) => `${u.heads}x${u.headSize}${u.blocked ? ' blocked' : ''}`).join(', ')}; ` +
            `query units ${query.map((u) => u.heads).join(', ') || '-'}; exact MLP groups ${mlp.length}; ` +
            `analysed ${covered.analysedPercent.toFixed(1)}% (prunable ${covered.prunable} of ${covered.parameters})`,
        );
        // One head unit per layer: the KV heads (or, with one KV head, the query heads sharing it).
        expect(heads.map((u) => u.heads)).toEqual(
          Array.from({ length: e.layers }, () => (e.kv_heads > 1 ? e.kv_heads : e.heads)),
        );
        // Blocked only where the layout cannot shrink, saying where: a cache axis whose size is not static.
        for (const u of heads)
          if (e.heads_blocked) expect(u.blocked).toMatch(/present\.\d\.key axis 0 is not static/);
          else expect(u.blocked).toBeUndefined();
        // GQA with more than one KV head: query heads within the groups are a unit of their own.
        const nRep = e.heads / e.kv_heads;
        expect(
          query.map((u) => u.heads),
          'query heads within each KV group are offered as a unit',
        ).toEqual(e.kv_heads > 1 && nRep > 1 ? Array.from({ length: e.layers }, () => nRep) : []);
        expect(mlp.length, 'every layer has a prunable MLP').toBeGreaterThanOrEqual(e.layers);
      });

      it('one head per layer removed equals the mask oracle; a cache shrinks with KV heads', async () => {
        const dense = load(e);
        const analysis = analyzeGroups(dense);
        const units = analysis.attention.filter((u) => !u.query);
        const plan = { heads: units.map((u, i) => ({ attention: u.id, remove: [(i + 1) % u.heads] })) };
        if (e.heads_blocked) {
          expect(() => prune(dense, plan, { analysis })).toThrow(/not static/);
          return line(e, `heads blocked (${e.heads_blocked}): the plan is refused naming the cache axis`);
        }
        const { report, verified } = await pruneVerify(dense, analysis, plan, e);
        expect(verified.shapeMismatch).toBeUndefined();
        expect(verified.prunedError).toBeUndefined();
        expect(verified).toMatchObject({ exact: true, pass: true });
        expect(verified.maxDeviation).toBeLessThanOrEqual(1e-4);
        // KV heads removed: every cache input and output loses one head (with one KV head, none can go).
        const cache = e.kv_heads > 1 ? [...e.cache_inputs, ...e.cache_outputs].sort() : [];
        expect(report.interface.map((c) => c.name).sort()).toEqual(cache);
        line(
          e,
          `heads ${units.map((u) => u.heads).join(',')} -> ${report.heads.map((h) => h.after).join(',')}, ` +
            `interface ${report.interface.map((c) => `${c.name} [${c.before}]->[${c.after}]`).join('; ') || '-'}, ` +
            `max deviation ${verified.maxDeviation.toExponential(2)}`,
        );
      });

      it('query heads within KV groups, then MLP channels, equal the mask oracle', async () => {
        const dense = load(e);
        const analysis = analyzeGroups(dense);
        const query = analysis.attention.filter((u) => u.query);
        const mlp = analysis.groups.filter((g) => g.kind === 'channels' && !g.blocked && g.maskExact && !g.headDim);
        const plans: [string, Plan][] = [
          ['MLP channels', { channels: mlp.map((g) => ({ group: g.id, indices: [0, 3, g.channels - 1] })) }],
        ];
        if (query.length)
          plans.unshift(['query heads', { heads: query.map((u) => ({ attention: u.id, remove: [0] })) }]);
        for (const [what, plan] of plans) {
          const { report, verified } = await pruneVerify(dense, analysis, plan, e);
          expect(verified, what).toMatchObject({ exact: true, pass: true });
          expect(verified.maxDeviation, what).toBeLessThanOrEqual(1e-4);
          expect(report.interface, `${what} keep the interface`).toEqual([]);
          line(
            e,
            `${what}: params ${report.paramsBefore} -> ${report.paramsAfter}, max deviation ${verified.maxDeviation}`,
          );
        }
      });

      it('prune --ratio 0.3 --verify as a user runs it: torch inputs, then default inputs', () => {
        const out = tempDir('pruneguard-decoders-');
        for (const inputs of [['--inputs', join(dir, e.inputs_file)], []]) {
          const r = spawnSync(
            process.execPath,
            [join(root, 'bin/pruneguard.js'), 'prune', join(dir, e.file), '--ratio', '0.3', '--verify', '--json']
              .concat(inputs)
              .concat(['-o', join(out, `${inputs.length}.onnx`)]),
            { encoding: 'utf8', timeout: 120_000 },
          );
          expect(r.status, r.stderr).toBe(0);
          const json = JSON.parse(r.stdout);
          line(
            e,
            `--ratio 0.3 --verify ${inputs.length ? '--inputs' : '(default inputs)'}: ${json.verify.status}, ` +
              `params ${json.report.paramsBefore} -> ${json.report.paramsAfter}, ` +
              `max deviation ${json.verify.maxDeviation}`,
          );
        }
      });

      it('removing layer 1 runs in onnxruntime and lists its interface change', async () => {
        const dense = load(e);
        const layer = e.layer;
        const { model: pruned, report } = prune(dense, { layers: [{ remove: layer }] });
        expect(report.interface.map((c) => c.name).sort()).toEqual([...e.layer_cache].sort());
        for (const c of report.interface) expect(c.after).toBeNull();
        const session = await createSession(pruned);
        const feeds = feedsOf(e);
        const got = await run(session, Object.fromEntries(session.inputNames.map((n) => [n, feeds[n]])));
        await releaseSession(session);
        expect(got.logits.dims).toEqual([...feedsOf(e).input_ids.dims, 64]);
        line(
          e,
          `layer ${layer} removed: params ${report.paramsBefore} -> ${report.paramsAfter}, ` +
            `interface ${report.interface.map((c) => `${c.kind} ${c.name} removed`).join(', ') || '-'}`,
        );
      });
    });
  }
});
