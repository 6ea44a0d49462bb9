/**
 * `prune --verify` on what real models bring: float16 weights, outputs behind discrete ops,
 * transformers (hidden dims under LayerNorm), audio lengths the graph constrains, real inputs.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpz } from '../../data/npz.js';
import { fromNumbers, tensor } from '../../ir/tensor.js';
import { loadModelFile } from '../../onnx/load.js';
import { saveModelFile } from '../../onnx/save.js';
import { defaultFeeds } from '../../prune/feeds.js';
import { faultById } from '../../faults/index.js';
import { prune } from '../../prune/prune.js';
import { concatFlattenCnn } from '../../prune/testing/models.test-helpers.js';
import { peakPickingCnn, reflectPadAudio } from '../../prune/testing/verify-models.test-helpers.js';
import { verify } from '../../prune/verify.js';
import { main } from '../main.js';
import { tempDir } from '../../fs/temp-dir.test-helpers.js';

function cli() {
  const out: string[] = [],
    err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}
const dir = tempDir('pg-verify-');
const FP16 = 'fixtures/models/mobilenetv2_tiny_fp16_op17.onnx';

// biome-ignore lint/suspicious/noExplicitAny: the tests read the CLI's JSON report field by field
async function pruneJson(args: string[]): Promise<{ code: number; json: any; err: string }> {
  const c = cli();
  const code = await main(['prune', ...args, '--json'], c.io);
  return { code, json: code <= 1 ? JSON.parse(c.out.join('')) : undefined, err: c.err.join('') };
}

describe('float16 models are judged like float16', () => {
  it('a correct --ratio 0.3 prune passes, judged at float16 precision', async () => {
    const r = await pruneJson([FP16, '--ratio', '0.3', '-o', join(dir, 'fp16.onnx'), '--verify']);
    expect(r.code).toBe(0);
    expect(r.json.verify.status).toBe('pass');
    expect(r.json.verify.outputs[0]).toMatchObject({ name: 'logits', judged: 'tolerance', pass: true });
    expect(r.json.verify.outputs[0].basis).toMatch(/^float16 precision/);
  });

  it(
    'faulty prunes still fail: channels other than the plan says, and a fault injector ' + '(BatchNorm not sliced)',
    async () => {
      const dense = loadModelFile(FP16);
      // Measured: the wrong channels move the logits by ~7e-2 against a float16 tolerance of ~8e-3 (16 ulps
      // of the output's magnitude). On this small random-weight net a swap in some groups moves them by
      // less than that, which float16 rounding cannot be told from: the limit of judging fp16 as fp16.
      const plan = { channels: [{ group: 'blocks.2.block.6.weight#0', indices: [0, 1] }] };
      const other = prune(dense, { channels: [{ group: 'blocks.2.block.6.weight#0', indices: [2, 3] }] }).model;
      const feeds = [defaultFeeds(dense, 1)];
      const wrong = await verify(dense, other, plan, feeds);
      expect(wrong.status).toBe('fail');
      expect(wrong.outputs[0].basis).toMatch(/float16/);
      expect(wrong.maxDeviation).toBeGreaterThan(wrong.outputs[0].atol + wrong.outputs[0].rtol * 0.5);
      const bn = await verify(dense, faultById('batchnorm-not-sliced')!.prune(dense, plan), plan, feeds);
      expect(bn.status).toBe('fail');
      expect(bn.prunedError).toMatch(/cannot load the pruned model/);
    },
  );
});

describe('outputs behind discrete ops', () => {
  const model = join(dir, 'peaks.onnx');
  saveModelFile(peakPickingCnn(), model);

  it('are judged by agreement and the report says which output was judged how', async () => {
    const r = await pruneJson([model, '--ratio', '0.5', '-o', join(dir, 'peaks.pruned.onnx'), '--verify']);
    expect(r.code).toBe(0);
    const how = Object.fromEntries(
      r.json.verify.outputs.map((o: { name: string; judged: string }) => [o.name, o.judged]),
    );
    expect(how).toEqual({ peaks: 'agreement', label: 'agreement', heatmap: 'tolerance', logits: 'tolerance' });
    const c = cli();
    expect(await main(['prune', model, '--ratio', '0.5', '-o', join(dir, 'peaks.text.onnx'), '--verify'], c.io)).toBe(
      0,
    );
    expect(c.out.join('\n')).toMatch(
      /peaks: agreement 100\.00% \(needs 99%\).*judged by agreement: through Equal 'is_peak'/,
    );
  });
});

describe('transformers: --ratio prunes mask-exact groups unless --include-inexact', () => {
  for (const f of ['bert_tiny_op17', 'gpt_tiny_op17', 'vit_tiny_op17']) {
    it(`${f}: --ratio 0.3 --verify is green`, async () => {
      const r = await pruneJson([
        `fixtures/models/${f}.onnx`,
        '--ratio',
        '0.3',
        '-o',
        join(dir, `${f}.onnx`),
        '--verify',
      ]);
      expect(r.code).toBe(0);
      expect(r.json.verify).toMatchObject({ status: 'pass', exact: true });
      expect(r.json.report.groups.filter((g: { maskExact: boolean }) => !g.maskExact)).toEqual([]);
    });
  }

  it(
    'with --include-inexact the hidden dim is pruned; its deviation is information, ' +
      'the exact groups are verified alone',
    async () => {
      const c = cli();
      expect(
        await main(
          [
            'prune',
            'fixtures/models/bert_tiny_op17.onnx',
            '--ratio',
            '0.3',
            '--include-inexact',
            '-o',
            join(dir, 'bert.inexact.onnx'),
            '--verify',
          ],
          c.io,
        ),
      ).toBe(0);
      const text = c.out.join('\n');
      expect(text).toMatch(/\[not mask-exact\]/);
      expect(text).toContain('verify: inexact — the pruned model runs with the dense output shapes; ');
      expect(text).toMatch(/verify: inexact — .* max deviation .* is information, not a verdict/);
      expect(text).toMatch(/verify \(the \d+ mask-exact group\(s\) alone\): max deviation .* — pass/);
      expect(text).not.toMatch(/FAIL/);
    },
  );

  it('--include-inexact needs --ratio (exit 2)', async () => {
    const c = cli();
    expect(
      await main(
        [
          'prune',
          'fixtures/models/bert_tiny_op17.onnx',
          '--plan',
          'x.json',
          '--include-inexact',
          '-o',
          join(dir, 'never.onnx'),
        ],
        c.io,
      ),
    ).toBe(2);
  });
});

describe('inputs: default sizes the graph accepts, --shape, --inputs, and a dense model that cannot run', () => {
  const model = join(dir, 'audio.onnx');
  saveModelFile(reflectPadAudio(16), model);

  it('default inputs are long enough for the reflect Pad', async () => {
    const r = await pruneJson([model, '--ratio', '0.3', '-o', join(dir, 'audio.default.onnx'), '--verify']);
    expect(r.code).toBe(0);
    expect(r.json.verify.status).toBe('pass');
    expect(Number(/samples=\[2,1,(\d+)\]/.exec(r.json.verify.runs[0])![1])).toBeGreaterThan(16);
  });

  it(
    '--shape too short for the dense model: bad input naming the file, exit 2, not "pruned model failed", ' +
      'nothing written',
    async () => {
      const c = cli();
      const out = join(dir, 'audio.short.onnx');
      expect(
        await main(['prune', model, '--ratio', '0.3', '-o', out, '--verify', '--shape', 'samples=1,1,8'], c.io),
      ).toBe(2);
      const err = c.err.join('');
      expect(err).toMatch(
        new RegExp(
          `${model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ` +
            `dense model cannot run on these inputs \\(samples=\\[1,1,8\\]\\)`,
        ),
      );
      expect(err).not.toMatch(/pruned/);
      expect(existsSync(out)).toBe(false);
    },
  );

  it(
    '--inputs FILE.npz runs on the sample as given; a sample that does not fit the model is bad input naming the ' +
      'file',
    async () => {
      const good = join(dir, 'sample.npz');
      writeFileSync(
        good,
        writeNpz({
          samples: fromNumbers(
            'float32',
            [1, 1, 40],
            Array.from({ length: 40 }, (_, i) => Math.sin(i / 3)),
          ),
        }),
      );
      const r = await pruneJson([
        model,
        '--ratio',
        '0.3',
        '-o',
        join(dir, 'audio.sample.onnx'),
        '--verify',
        '--inputs',
        good,
      ]);
      expect(r.code).toBe(0);
      expect(r.json.verify.runs).toEqual(['samples=[1,1,40]']);
      const bad = join(dir, 'bad.npz');
      writeFileSync(bad, writeNpz({ samples: fromNumbers('float32', [1, 40], new Array(40).fill(0)) }));
      const c = cli();
      expect(
        await main(
          ['prune', model, '--ratio', '0.3', '-o', join(dir, 'never2.onnx'), '--verify', '--inputs', bad],
          c.io,
        ),
      ).toBe(2);
      expect(c.err.join('')).toMatch(/bad\.npz.*rank 2, the model expects rank 3/);
    },
  );
});

describe('outputs too small or all zero to show an error', () => {
  /** concatFlattenCnn with its classifier scaled by `k` (0: a zero-initialised head, as torchvision's ViT has). */
  function scaledHead(k: number) {
    const m = concatFlattenCnn();
    for (const name of ['fc.weight', 'fc.bias']) {
      const t = m.graph.initializers.get(name)!;
      const data = Float32Array.from(t.data as Float32Array, (v) => v * k);
      m.graph.initializers.set(name, tensor('float32', t.dims, data));
    }
    return m;
  }
  const plan = { channels: [{ group: 'mix.weight#0', indices: [1, 3] }] };

  it('wrong channels fail on an output of magnitude ~1e-9 (a fixed 1e-4 atol passed them)', async () => {
    const dense = scaledHead(1e-9);
    const other = prune(dense, { channels: [{ group: 'mix.weight#0', indices: [0, 2] }] }).model;
    const feeds = [defaultFeeds(dense, 1)];
    expect((await verify(dense, prune(dense, plan).model, plan, feeds)).status).toBe('pass');
    expect((await verify(dense, other, plan, feeds)).status).toBe('fail');
  });

  it('an all-zero output makes --verify inconclusive, exit 1, and says what to do', async () => {
    const file = join(dir, 'zero-head.onnx');
    saveModelFile(scaledHead(0), file);
    const r = await pruneJson([file, '--ratio', '0.3', '--verify', '-o', join(dir, 'zero-head-pruned.onnx')]);
    expect(r.code).toBe(1);
    expect(r.json.verify.status).toBe('inconclusive');
    expect(r.json.verify.outputs[0].uninformative).toMatch(/no nonzero finite value/);
    const c = cli();
    await main(['prune', file, '--ratio', '0.3', '--verify', '-o', join(dir, 'zero-head-pruned-2.onnx')], c.io);
    expect(c.out.join('')).toMatch(/verify: inconclusive .* --inputs FILE\.npz/);
  });
});
