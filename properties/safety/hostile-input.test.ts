/**
 * Hostile input: every input kind fuzzed (fast-check mutations of a valid
 * file, run through the command that reads it), and every named case of
 * issue 13 run as a real process under a heap ceiling, with its wall time and
 * peak RSS measured. What must hold: exit 0, 1 or 2 (never 3, never a
 * signal), exit 2 as one stderr line naming the file, no case past
 * CASE_SECONDS or MEMORY_CEILING_MB. PRUNEGUARD_RUNS=N fuzzes N cases per kind
 * (default 12). The figures print at the end for the README.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCli } from './cli-child.js';
import { HOSTILE_CASES } from './hostile-cases.js';
import { DATA, MODEL } from './workspace.js';

/** Per named case: wall time and resident memory it may not exceed (inputs here are under 1 MB, bombs included). */
const CASE_SECONDS = 30;
const MEMORY_CEILING_MB = 1024;
const RUNS = Number(process.env.PRUNEGUARD_RUNS ?? 12);

const figures = {
  kinds: {} as Record<string, number>,
  exits: {} as Record<string, number>,
  worstMs: 0,
  worstMb: 0,
  worstCase: '',
};
const tally = (kind: string, code: number | null) => {
  figures.kinds[kind] = (figures.kinds[kind] ?? 0) + 1;
  figures.exits[String(code)] = (figures.exits[String(code)] ?? 0) + 1;
};
afterAll(() =>
  console.log(
    `[hostile-input] inputs per kind ${JSON.stringify(figures.kinds)}; exits ${JSON.stringify(figures.exits)}; ` +
      `worst named case ${(figures.worstMs / 1000).toFixed(1)} s, ${figures.worstMb.toFixed(0)} MB peak RSS ` +
      `(${figures.worstCase}); ceiling ${CASE_SECONDS} s, ${MEMORY_CEILING_MB} MB`,
  ),
);

describe('hostile input: named cases (child processes, heap and RSS bounded)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pg-hostile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // Four at a time: each is a process that mostly waits on its own start-up.
  const batches: (typeof HOSTILE_CASES)[] = [];
  for (let i = 0; i < HOSTILE_CASES.length; i += 4) batches.push(HOSTILE_CASES.slice(i, i + 4));
  for (const batch of batches) {
    it(batch.map((c) => c.name).join(' | '), async () => {
      const results = await Promise.all(
        batch.map(async (c, k) => {
          const caseDir = mkdtempSync(join(dir, `c${k}-`));
          const { argv, names } = c.make(caseDir);
          const r = await runCli(argv, { heapMb: MEMORY_CEILING_MB, timeoutMs: CASE_SECONDS * 1000 });
          return { c, r, names };
        }),
      );
      for (const { c, r, names } of results) {
        tally(c.kind, r.code);
        if (r.ms > figures.worstMs) figures.worstCase = c.name;
        figures.worstMs = Math.max(figures.worstMs, r.ms);
        figures.worstMb = Math.max(figures.worstMb, r.peakRssMb);
        const why = `${c.name}: exit ${r.code} signal ${r.signal}\n${r.stderr.slice(0, 2000)}`;
        expect(r.timedOut, `${c.name} ran past ${CASE_SECONDS} s`).toBe(false);
        expect(c.exits, why).toContain(r.code);
        expect(r.peakRssMb, `${c.name} peak RSS`).toBeLessThan(MEMORY_CEILING_MB);
        if (r.code === 2) {
          expect(names, `${c.name}: an exit-2 case says which file its message must name`).toBeDefined();
          const lines = r.stderr.trimEnd().split('\n');
          expect(lines, why).toHaveLength(1);
          expect(lines[0].length, `${c.name}: the message stays short`).toBeLessThan(4000);
          if (names) expect(lines[0], why).toContain(names);
        }
        if (c.stdout) expect(r.stdout).toMatch(c.stdout);
      }
    });
  }
});

/** One fuzzed input through its command, in-process: exit 0/1/2 only, and exit 2 is one line naming the file. */
async function runOnce(argv: string[], file: string): Promise<number> {
  const err: string[] = [];
  const code = await main(argv, { out: () => {}, err: (t) => void err.push(t) });
  tally(`fuzz ${argv[0]} ${file.split('.').pop()}`, code);
  if (code === 3) throw new Error(`exit 3 on ${file}:\n${err.join('\n')}`);
  if (code === 2) {
    const text = err.join('\n');
    if (text.includes('\n') || !text.includes(file))
      throw new Error(`exit 2 message is not one line naming ${file}: ${text}`);
  }
  return code;
}

/** Mutations of a valid file: truncation, byte flips, insertions. */
const mutated = (original: Uint8Array) =>
  fc
    .tuple(
      fc.nat({ max: original.length }),
      fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }),
      fc.boolean(),
    )
    .map(([cut, flips, truncate]) => {
      const bytes = Uint8Array.from(truncate ? original.subarray(0, cut) : original);
      for (const f of flips) if (bytes.length) bytes[f.at % bytes.length] = f.value;
      return bytes;
    });

/** JSON-ish text: valid JSON of any shape, or a valid document with bytes changed. */
const jsonText = (valid: string) =>
  fc.oneof(
    fc.json({ depthSize: 'medium' }),
    mutated(Buffer.from(valid)).map((b) => Buffer.from(b).toString('latin1')),
  );

describe('hostile input: fuzz per input kind (in-process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pg-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const at = (name: string, data: Uint8Array | string) => {
    const p = join(dir, name);
    writeFileSync(p, data);
    return p;
  };
  const plan = JSON.stringify({
    version: 1,
    channels: [{ group: 'conv1.weight#0', ratio: 0.25 }],
    nm: [{ tensor: 'fc1.weight' }],
  });
  const config = JSON.stringify({
    accuracy: { maxDrop: 2 },
    slices: [{ name: 'rare', labels: [3] }],
    latency: { productionBatchSizes: [1, 4] },
    structural: { dims: [2] },
  });
  const data = JSON.stringify({ inputs: { input: [[new Array(8).fill(new Array(8).fill(0))]] }, labels: [1] });
  const original = { model: readFileSync(MODEL), npz: readFileSync(DATA) };
  const npy = Buffer.from(readFileSync(DATA)); // the npz's first member is an npy; the fuzz cuts it out below
  const firstNpy = (() => {
    const start = npy.indexOf(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]));
    return npy.subarray(start, start + 400);
  })();

  const kinds: {
    kind: string;
    arb: fc.Arbitrary<Uint8Array | string>;
    ext: string;
    argv: (file: string) => string[];
  }[] = [
    { kind: 'model', arb: mutated(original.model), ext: 'onnx', argv: (f) => ['inspect', f] },
    {
      kind: 'plan',
      arb: jsonText(plan),
      ext: 'json',
      argv: (f) => ['prune', MODEL, '--plan', f, '-o', join(dir, 'out.onnx'), '--force'],
    },
    {
      kind: 'config',
      arb: jsonText(config),
      ext: 'json',
      argv: (f) => ['check', '--dense', MODEL, '--pruned', MODEL, '--config', f],
    },
    {
      kind: 'npz',
      arb: mutated(original.npz),
      ext: 'npz',
      argv: (f) => ['check', '--dense', MODEL, '--pruned', MODEL, '--data', f],
    },
    {
      kind: 'npy',
      arb: mutated(firstNpy),
      ext: 'npy',
      argv: (f) => ['check', '--dense', MODEL, '--pruned', MODEL, '--data', f],
    },
    {
      kind: 'JSON data',
      arb: jsonText(data),
      ext: 'json',
      argv: (f) => ['check', '--dense', MODEL, '--pruned', MODEL, '--data', f],
    },
  ];
  for (const k of kinds) {
    it(`${k.kind}: ${RUNS} mutated inputs, exit 0/1/2 only, exit 2 names the file`, async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(k.arb, async (bytes) => {
          const file = at(`fuzz-${k.kind.replace(' ', '-')}-${n++}.${k.ext}`, bytes);
          await runOnce(k.argv(file), file);
        }),
        { numRuns: RUNS, seed: 13 },
      );
    });
  }

  it(`scenario file: ${RUNS} generated exports, exit 0/1/2 only, naming the file`, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.constantFrom('{', 'throw new Error("boom")', 'export default 42', 'export default { id: "x" }'),
        ),
        async (body) => {
          const root = mkdtempSync(join(dir, 'scen-'));
          const scenarios = join(root, 'scenarios');
          const file = join(scenarios, `fuzz${n++}.scenario.ts`);
          await import('node:fs').then((fs) => {
            fs.mkdirSync(scenarios);
            fs.writeFileSync(
              file,
              body.startsWith('{') || body.startsWith('[') || body.startsWith('"') || /^[\d-tfn]/.test(body)
                ? `export default ${body};\n`
                : `${body}\n`,
            );
          });
          const err: string[] = [];
          const code = await main(['scenarios', '--root', root], { out: () => {}, err: (t) => void err.push(t) });
          tally('fuzz scenario', code);
          if (code === 3) throw new Error(`exit 3 on ${file}:\n${err.join('\n')}`);
          if (code === 2 && !err.join('\n').includes(`fuzz${n - 1}.scenario.ts`))
            throw new Error(`exit 2 without naming the scenario file: ${err.join('\n')}`);
        },
      ),
      { numRuns: RUNS, seed: 13 },
    );
  });
});
