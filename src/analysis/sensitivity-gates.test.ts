import { join } from 'node:path';
import { Tensor as OrtTensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadEvalSet } from '../data/load.js';
import { constantValue } from '../ir/constants.js';
import type { Model } from '../ir/types.js';
import { loadModelFile } from '../onnx/load.js';
import { saveModel } from '../onnx/save.js';
import { defaultFeeds } from '../prune/feeds.js';
import { analyzeGroups } from '../prune/groups.js';
import { channelScores, lowest } from '../prune/importance.js';
import type { Plan } from '../prune/plan.js';
import { prune } from '../prune/prune.js';
import { toOrt } from '../runtime/ort-tensor.js';
import { gateModel, gateValues } from './sensitivity-gates.js';
import { createOrtSession } from './sensitivity-run.js';

const root = join(import.meta.dirname, '../..');
const model = (f: string) => join(root, 'fixtures/models', f);
const digitsData = join(root, 'fixtures/data/digits_eval.npz');

async function outputs(m: Model, feeds: Record<string, OrtTensor>): Promise<Float32Array> {
  const s = await createOrtSession(saveModel(m));
  try {
    return (await s.run(feeds, [s.outputNames[0]]))[s.outputNames[0]].data as Float32Array;
  } finally {
    await s.release();
  }
}

/** For every gateable group: gated (half its channels off) vs prune(dense, plan) on the same feeds. */
async function gatedEqualsPruned(
  file: string,
  feeds: Record<string, OrtTensor>,
  prefer: 'activation' | 'weight',
): Promise<string[]> {
  const dense = loadModelFile(model(file));
  const analysis = analyzeGroups(dense);
  const groups = analysis.groups.filter((g) => !g.blocked && g.channels >= 2);
  const gated = gateModel(analysis, groups, { prefer });
  const session = await createOrtSession(saveModel(gated.model));
  const ones: Record<string, OrtTensor> = {};
  for (const list of gated.gates.values())
    for (const g of list) ones[g.input] = new OrtTensor(g.dtype, gateValues(g, []), g.dims);
  const checked: string[] = [];
  try {
    for (const g of groups) {
      const gates = gated.gates.get(g.id);
      if (!gates) continue;
      const read = (t: string) => constantValue(analysis.model.graph, t, analysis.prop.index);
      const remove = lowest(channelScores(g, 'l1', read), Math.floor(g.channels / 2));
      const plan: Plan =
        g.kind === 'heads'
          ? { version: 1, heads: [{ attention: g.id, remove }] }
          : { version: 1, channels: [{ group: g.id, indices: remove }] };
      const want = await outputs(prune(dense, plan).model, feeds);
      const fed = { ...feeds, ...ones };
      for (const gate of gates) fed[gate.input] = new OrtTensor(gate.dtype, gateValues(gate, remove), gate.dims);
      const got = (await session.run(fed, [session.outputNames[0]]))[session.outputNames[0]].data as Float32Array;
      expect(got.length, g.id).toBe(want.length);
      let maxAbs = 0;
      for (let i = 0; i < got.length; i++) maxAbs = Math.max(maxAbs, Math.abs(got[i] - want[i]));
      expect(maxAbs, `${file} ${g.id} (${prefer})`).toBeLessThan(1e-4);
      checked.push(g.id);
    }
  } finally {
    await session.release();
  }
  return checked;
}

function randomFeeds(file: string): Record<string, OrtTensor> {
  const feeds = defaultFeeds(loadModelFile(model(file)), 7);
  return Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, toOrt(t, n)]));
}

describe('gated evaluation equals real pruning for mask-exact groups', () => {
  it('digits CNN on its evaluation data, activation and weight gates', async () => {
    const set = await loadEvalSet(digitsData, { inputNames: ['input'] });
    const x = set.inputs.input;
    const feeds = {
      input: new OrtTensor('float32', (x.data as Float32Array).subarray(0, 128 * 64), [128, ...x.dims.slice(1)]),
    };
    for (const prefer of ['activation', 'weight'] as const) {
      expect(await gatedEqualsPruned('digits_cnn_op17.onnx', feeds, prefer)).toEqual([
        'conv1.weight#0',
        'conv2.weight#0',
        'fc1.weight#0',
      ]);
    }
  });

  it(
    'MobileNetV2 (depthwise, projections) and GPT (MLP MatMuls, heads); ' + 'LayerNorm-coupled groups are not gated',
    async () => {
      for (const prefer of ['activation', 'weight'] as const) {
        expect(
          (await gatedEqualsPruned('mobilenetv2_tiny_op17.onnx', randomFeeds('mobilenetv2_tiny_op17.onnx'), prefer))
            .length,
        ).toBeGreaterThanOrEqual(5);
        const gpt = await gatedEqualsPruned('gpt_tiny_op17.onnx', randomFeeds('gpt_tiny_op17.onnx'), prefer);
        expect(gpt).toEqual(expect.arrayContaining(['h.0.mlp.0.bias#0', 'h.0.attn.c_attn.bias#0']));
        expect(gpt).not.toContain('h.0.attn.c_proj.bias#0');
      }
    },
  );

  it('refuses to gate a LayerNorm-coupled group and says why', () => {
    const analysis = analyzeGroups(loadModelFile(model('gpt_tiny_op17.onnx')));
    const g = analysis.groups.find((x) => x.id === 'h.0.attn.c_proj.bias#0')!;
    const gated = gateModel(analysis, [g]);
    expect(gated.gates.size).toBe(0);
    expect(gated.ungated[0].reason).toMatch(/not mask-exact: .*LayerNormalization/);
  });
});
