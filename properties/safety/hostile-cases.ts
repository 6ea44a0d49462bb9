/**
 * Named hostile inputs, one per bullet of issue 13: each writes its files into
 * a folder and says which command to run and what must come out (the exit
 * code, and for exit 2 which file the one-line message names).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpz } from '../../src/data/npz.js';
import { fromNumbers } from '../../src/ir/tensor.js';
import { loadModelFile } from '../../src/onnx/load.js';
import { saveModel } from '../../src/onnx/save.js';
import { npyWithHeader, zip64PastRecord, zipBomb } from './hostile-bytes.js';
import { DATA, MODEL, ROOT } from './workspace.js';

export interface HostileCase {
  name: string;
  kind: 'model' | 'plan' | 'config' | 'npz' | 'npy' | 'json data' | 'fifo';
  /** Prepares files in `dir`; returns the argv and the file an exit-2 message must name. */
  make: (dir: string) => { argv: string[]; names?: string };
  /** Allowed exit codes (never 3). */
  exits: number[];
  /** Something stdout must contain (e.g. a reported problem). */
  stdout?: RegExp;
}

const hostile = (f: string) => join(ROOT, 'fixtures/hostile', f);
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const fifo = (dir: string, name: string) => {
  const p = join(dir, name);
  execFileSync('mkfifo', [p]);
  return p;
};
const file = (dir: string, name: string, text: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const GPT = join(ROOT, 'fixtures/models/gpt_tiny_op17.onnx');

/** The digits model with its first node's op renamed to one no runtime knows. */
function unknownOpModel(dir: string): string {
  const model = loadModelFile(MODEL);
  model.graph.nodes[0].opType = 'NoSuchOp';
  return file(dir, 'unknown-op.onnx', saveModel(model));
}

const digitsData = (dir: string, arrays: Record<string, ReturnType<typeof fromNumbers>>) =>
  file(dir, 'eval.npz', writeNpz(arrays));
const sens = (data: string) => ['sensitivity', MODEL, '--data', data, '--ratios', '0.5'];
const checkWith = (...extra: string[]) => ['check', '--dense', MODEL, '--pruned', MODEL, ...extra];

export const HOSTILE_CASES: HostileCase[] = [
  // Resource bombs: bounded time and memory, symbolic or refused.
  ...['constant-of-shape-1e8', 'constant-of-shape-2p31', 'reshape-1e8', 'reshape-2p31'].flatMap((m): HostileCase[] => [
    {
      name: `inspect ${m}`,
      kind: 'model',
      exits: [0, 2],
      make: () => ({ argv: ['inspect', hostile(`${m}.onnx`)], names: hostile(`${m}.onnx`) }),
    },
    {
      name: `check ${m}`,
      kind: 'model',
      exits: [0, 1, 2],
      make: () => ({
        argv: ['check', '--dense', hostile(`${m}.onnx`), '--pruned', hostile(`${m}.onnx`)],
        names: hostile(`${m}.onnx`),
      }),
    },
    {
      name: `layers ${m}`,
      kind: 'model',
      exits: [0, 1, 2],
      make: () => ({ argv: ['layers', hostile(`${m}.onnx`)], names: hostile(`${m}.onnx`) }),
    },
  ]),
  {
    name: 'npz: 20 members each inflating 64 MiB (a deflate bomb)',
    kind: 'npz',
    exits: [2],
    make: (d) => {
      const p = file(d, 'bomb.npz', zipBomb(20, false));
      return { argv: checkWith('--data', p), names: p };
    },
  },
  {
    name: 'npz: 200 entries pointing at one member',
    kind: 'npz',
    exits: [2],
    make: (d) => {
      const p = file(d, 'overlap.npz', zipBomb(200, true));
      return { argv: checkWith('--data', p), names: p };
    },
  },
  {
    name: 'npz: zip64 extra field past its record',
    kind: 'npz',
    exits: [2],
    make: (d) => {
      const p = file(d, 'zip64.npz', zip64PastRecord());
      return { argv: checkWith('--data', p), names: p };
    },
  },
  {
    name: 'npy: 600 KB header',
    kind: 'npy',
    exits: [2],
    make: (d) => {
      const p = file(d, 'x.npy', npyWithHeader(600_000));
      return { argv: checkWith('--data', p), names: p };
    },
  },
  {
    name: 'config: productionBatchSizes [1e6]',
    kind: 'config',
    exits: [2],
    make: (d) => {
      const p = file(d, 'c.json', JSON.stringify({ latency: { productionBatchSizes: [1e6] } }));
      return { argv: checkWith('--config', p), names: p };
    },
  },
  {
    name: 'config: structural.dims [1e6]',
    kind: 'config',
    exits: [2],
    make: (d) => {
      const p = file(d, 'c.json', JSON.stringify({ structural: { dims: [1e6] } }));
      return { argv: checkWith('--config', p), names: p };
    },
  },
  {
    name: 'plan: 1M invalid indices (error list truncated)',
    kind: 'plan',
    exits: [2],
    make: (d) => {
      const p = file(
        d,
        'p.json',
        JSON.stringify({
          version: 1,
          channels: [{ group: 'conv1.weight#0', indices: Array.from({ length: 1e6 }, () => -1) }],
        }),
      );
      return { argv: ['prune', MODEL, '--plan', p, '-o', join(d, 'o.onnx')], names: p };
    },
  },
  // Nesting past the stack.
  {
    name: 'plan nested 100,000 deep',
    kind: 'plan',
    exits: [2],
    make: (d) => {
      const p = file(d, 'p.json', deep(100_000));
      return { argv: ['prune', MODEL, '--plan', p, '-o', join(d, 'o.onnx')], names: p };
    },
  },
  {
    name: 'config nested 100,000 deep',
    kind: 'config',
    exits: [2],
    make: (d) => {
      const p = file(d, 'c.json', deep(100_000));
      return { argv: checkWith('--config', p), names: p };
    },
  },
  {
    name: 'JSON data nested 100,000 deep',
    kind: 'json data',
    exits: [2],
    make: (d) => {
      const p = file(d, 'd.json', deep(100_000));
      return { argv: checkWith('--data', p), names: p };
    },
  },
  // FIFOs never hang.
  {
    name: 'FIFO as --plan',
    kind: 'fifo',
    exits: [2],
    make: (d) => {
      const p = fifo(d, 'plan.json');
      return { argv: ['prune', MODEL, '--plan', p, '-o', join(d, 'o.onnx')], names: p };
    },
  },
  {
    name: 'FIFO as --config',
    kind: 'fifo',
    exits: [2],
    make: (d) => {
      const p = fifo(d, 'c.json');
      return { argv: checkWith('--config', p), names: p };
    },
  },
  {
    name: 'FIFO as JSON data',
    kind: 'fifo',
    exits: [2],
    make: (d) => {
      const p = fifo(d, 'd.json');
      return { argv: checkWith('--data', p), names: p };
    },
  },
  {
    name: 'FIFO as npz data',
    kind: 'fifo',
    exits: [2],
    make: (d) => {
      const p = fifo(d, 'd.npz');
      return { argv: checkWith('--data', p), names: p };
    },
  },
  {
    name: 'FIFO as the model',
    kind: 'fifo',
    exits: [2],
    make: (d) => {
      const p = fifo(d, 'm.onnx');
      return { argv: ['inspect', p], names: p };
    },
  },
  {
    name: 'FIFO as a report part',
    kind: 'fifo',
    exits: [2],
    make: (d) => {
      const p = fifo(d, 'part.json');
      return { argv: ['report', '--merge', p, '--out', join(d, 'r')], names: p };
    },
  },
  {
    name: 'directory as --plan',
    kind: 'plan',
    exits: [2],
    make: (d) => ({ argv: ['prune', MODEL, '--plan', d, '-o', join(d, 'o.onnx')], names: d }),
  },
  // Messages and semantics.
  {
    name: 'sensitivity: a label outside the classes',
    kind: 'npz',
    exits: [2],
    make: (d) => {
      copyFileSync(DATA, join(d, 'orig.npz'));
      const p = digitsData(d, {
        input: fromNumbers('float32', [2, 1, 8, 8], new Array(128).fill(0)),
        labels: fromNumbers('int64', [2], [1, 12]),
      });
      return { argv: sens(p), names: p };
    },
  },
  {
    name: 'int64 labels past 2^32 do not wrap',
    kind: 'npz',
    exits: [2],
    make: (d) => {
      const p = digitsData(d, {
        input: fromNumbers('float32', [1, 1, 8, 8], new Array(64).fill(0)),
        labels: fromNumbers('int64', [1], [2 ** 32 + 1]),
      });
      return { argv: checkWith('--data', p), names: p };
    },
  },
  {
    name: "JSON data with an input named 'constructor'",
    kind: 'json data',
    exits: [2],
    make: (d) => {
      const p = file(
        d,
        'd.json',
        JSON.stringify({ inputs: { constructor: [[1]] }, dtypes: { constructor: 'float32' } }),
      );
      return { argv: checkWith('--data', p), names: p };
    },
  },
  {
    name: 'a plan with a UTF-8 BOM is accepted',
    kind: 'plan',
    exits: [0],
    make: (d) => ({
      argv: [
        'prune',
        MODEL,
        '--plan',
        file(
          d,
          'p.json',
          `\ufeff${JSON.stringify({ version: 1, channels: [{ group: 'conv1.weight#0', ratio: 0.25 }] })}`,
        ),
        '-o',
        join(d, 'o.onnx'),
      ],
    }),
  },
  {
    name: 'inspect reports a dangling node input',
    kind: 'model',
    exits: [0],
    stdout: /dangling-input/,
    make: () => ({ argv: ['inspect', hostile('dangling-input.onnx')] }),
  },
  {
    name: 'inspect reports a self-loop',
    kind: 'model',
    exits: [0],
    stdout: /self-loop/,
    make: () => ({ argv: ['inspect', hostile('self-loop.onnx')] }),
  },
  // A model pruneguard reads but onnxruntime refuses: the input is at fault, named, in one line
  // (never "the pruned model cannot load", never onnxruntime's own log line, never exit 3).
  ...(
    [
      ['check', (m: string) => ['check', '--dense', m, '--pruned', m]],
      ['sensitivity', (m: string) => ['sensitivity', m, '--data', DATA, '--ratios', '0.5']],
    ] as const
  ).map(
    ([command, argv]): HostileCase => ({
      name: `${command}: a model onnxruntime refuses (unknown op)`,
      kind: 'model',
      exits: [2],
      make: (d) => {
        const m = unknownOpModel(d);
        return { argv: argv(m), names: m };
      },
    }),
  ),
  {
    name: 'prune --verify at a size the dense model cannot run: one line naming it',
    kind: 'model',
    exits: [2],
    make: (d) => ({
      argv: ['prune', GPT, '--ratio', '0.3', '--verify', '--shape', 'input_ids=1,500', '-o', join(d, 'o.onnx')],
      names: GPT,
    }),
  },
];
