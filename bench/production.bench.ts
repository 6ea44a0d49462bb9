/**
 * Issue 12's bars, as ratios against yardsticks measured in the same run (whole processes):
 * start time against `node -e ""`, `inspect` of ResNet-18 against onnx's C++ infer_shapes, peak
 * RSS against the model's bytes, `prune --ratio 0.3 --verify` of a BERT-base-size model against
 * onnxruntime's session creation, and the linear-cost sweep's fitted exponents.
 * The models are made by scripts/make_bench_models.py (ResNet-18) and bench/models.ts (BERT);
 * a missing ResNet-18 skips its entries. PRUNEGUARD_SWEEP=10,100 shortens the sweep.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entry, median, type BenchEntry, type Benchmark } from './harness.js';
import { bertBasePath, RESNET18 } from './models.js';
import { interleavedProcesses, logLogSlope, runProcess } from './process.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'bin/pruneguard.js');
const MB = 1024 * 1024;
/** The memory bars: peak RSS ≤ factor × model bytes + a fixed 100 MB (Node and onnxruntime themselves). */
const rssBudgetMb = (bytes: number, factor: number) => (factor * bytes) / MB + 100;

const benchmark: Benchmark = {
  name: 'production',
  async run() {
    const out: BenchEntry[] = [];
    const [node, help] = interleavedProcesses([process.execPath, '-e', ''], [process.execPath, CLI, '--help'], 5);
    out.push(entry('start: pruneguard --help vs node -e ""', help.seconds * 1000, 'ms', node.seconds * 1000, 2));

    if (existsSync(RESNET18)) {
      const bytes = statSync(RESNET18).size;
      const [onnx, inspect] = interleavedProcesses(
        [
          '/usr/bin/python3',
          '-c',
          `import onnx; m=onnx.load(${JSON.stringify(RESNET18)}); onnx.shape_inference.infer_shapes(m)`,
        ],
        [process.execPath, CLI, 'inspect', RESNET18, '--json'],
        5,
      );
      out.push(
        entry(
          'inspect resnet18 --json vs onnx infer_shapes (python, C++)',
          inspect.seconds * 1000,
          'ms',
          onnx.seconds * 1000,
          0.5,
        ),
      );
      out.push(
        entry('inspect resnet18 peak RSS vs 1.3x model + 100 MB', inspect.maxRssMb, 'MB', rssBudgetMb(bytes, 1.3), 1),
      );
    } else {
      process.stderr.write(
        `production: ${RESNET18} missing (run /usr/bin/python3 scripts/make_bench_models.py): ` +
          `resnet18 entries skipped\n`,
      );
    }

    const bert = bertBasePath();
    const bytes = statSync(bert).size;
    const dir = mkdtempSync(join(tmpdir(), 'pruneguard-bench-'));
    try {
      const inspect = runProcess([process.execPath, CLI, 'inspect', bert, '--json']);
      const pruned = runProcess([process.execPath, CLI, 'prune', bert, '--ratio', '0.3', '-o', join(dir, 'p.onnx')]);
      // Each run replaces the last one's output (--force): the bench's own file in its own folder.
      const [ortCreate, verified] = interleavedProcesses(
        [process.execPath, join(import.meta.dirname, 'ort-create.mjs'), bert],
        [process.execPath, CLI, 'prune', bert, '--ratio', '0.3', '--verify', '--force', '-o', join(dir, 'v.onnx')],
        3,
      );
      const createMs = median(ortCreate.runs.map((r) => Number(r.stdout.trim())));
      out.push(
        entry(
          `prune --ratio 0.3 --verify bert-base (${(bytes / MB).toFixed(0)} MB) vs ort session creation`,
          verified.seconds * 1000,
          'ms',
          createMs,
          3,
        ),
      );
      out.push(
        entry('inspect bert-base peak RSS vs 1.3x model + 100 MB', inspect.maxRssMb, 'MB', rssBudgetMb(bytes, 1.3), 1),
      );
      out.push(entry('prune bert-base peak RSS vs 2x model + 100 MB', pruned.maxRssMb, 'MB', rssBudgetMb(bytes, 2), 1));
      out.push(
        entry(
          'prune --verify bert-base peak RSS vs 2.5x model + 100 MB',
          verified.maxRssMb,
          'MB',
          rssBudgetMb(bytes, 2.5),
          1,
        ),
      );
      out.push(entry('prune bert-base (information)', pruned.seconds * 1000, 'ms'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const sizes = (process.env.PRUNEGUARD_SWEEP ?? '10,100,1000').split(',').map(Number);
    for (const kind of ['residual', 'transformer']) {
      const points = sizes.map((n) =>
        JSON.parse(
          runProcess([
            process.execPath,
            '--import',
            'tsx',
            join(import.meta.dirname, 'sweep-worker.ts'),
            kind,
            String(n),
          ]).stdout,
        ),
      );
      const x = points.map((p) => p.bytes);
      for (const phase of ['loadMs', 'inferMs', 'groupsMs', 'pruneMs', 'maxRssKb']) {
        const k = logLogSlope(
          x,
          points.map((p) => p[phase]),
        );
        out.push(
          entry(
            `sweep ${kind} ${sizes.join('/')} blocks: exponent of ${phase.replace(/Ms$|Kb$/, '')} in model size`,
            k,
            '',
            1,
            1.1,
          ),
        );
      }
      out.push(
        entry(
          `sweep ${kind} at ${sizes.at(-1)} blocks: load+infer+groups+prune (information)`,
          points.at(-1).loadMs + points.at(-1).inferMs + points.at(-1).groupsMs + points.at(-1).pruneMs,
          'ms',
        ),
      );
    }
    return out;
  },
};

export default benchmark;
