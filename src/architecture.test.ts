/**
 * The layering of docs/architecture.md, enforced: every import of a source file
 * (type-only imports too: they couple just as much) goes to its own layer or a
 * lower one, and no file imports itself back through a cycle. Tests and test
 * helpers may import anything. The checker is tested on synthetic import lists
 * first, so a deliberate violation is shown to fail.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Layers from the bottom up; a file belongs to the layer of its longest matching path prefix (relative to src/). */
const LAYERS: readonly { layer: string; rank: number; paths: readonly string[] }[] = [
  { layer: 'base', rank: 0, paths: ['errors.ts', 'findings.ts', 'util/', 'fs/'] },
  { layer: 'ir', rank: 1, paths: ['ir/'] },
  { layer: 'onnx', rank: 2, paths: ['onnx/'] },
  { layer: 'shape', rank: 3, paths: ['shape/'] },
  { layer: 'ops', rank: 4, paths: ['ops/'] },
  { layer: 'inference', rank: 5, paths: ['shape/infer.ts'] },
  { layer: 'runtime', rank: 6, paths: ['runtime/'] },
  { layer: 'data', rank: 7, paths: ['data/'] },
  { layer: 'prune', rank: 7, paths: ['prune/'] },
  { layer: 'arbitraries', rank: 8, paths: ['arbitraries/'] },
  { layer: 'analysis', rank: 8, paths: ['analysis/'] },
  { layer: 'faults', rank: 9, paths: ['faults/'] },
  { layer: 'invariants', rank: 9, paths: ['invariants/'] },
  { layer: 'plot', rank: 9, paths: ['plot/'] },
  { layer: 'check', rank: 10, paths: ['check/'] },
  { layer: 'gate', rank: 10, paths: ['gate/'] },
  { layer: 'scenarios', rank: 11, paths: ['scenarios/'] },
  { layer: 'report', rank: 12, paths: ['report/'] },
  { layer: 'entry', rank: 13, paths: ['cli/', 'vitest/', 'index.ts'] },
];

/**
 * Known upward imports, each with the issue that removes it. Keep this short:
 * an entry here is a defect with an owner, not a permission.
 */
const KNOWN_EXCEPTIONS: readonly { from: string; to: string; why: string }[] = [];

interface Import {
  from: string;
  to: string;
}

/** The layer of a path relative to src/, or undefined when no layer claims it. */
function layerOf(path: string): (typeof LAYERS)[number] | undefined {
  let best: (typeof LAYERS)[number] | undefined;
  let bestLength = -1;
  for (const l of LAYERS)
    for (const p of l.paths)
      if ((path === p || (p.endsWith('/') && path.startsWith(p))) && p.length > bestLength)
        [best, bestLength] = [l, p.length];
  return best;
}

/** Every import that goes up or sideways (to another layer of the same rank), and every file no layer claims. */
function layerViolations(imports: readonly Import[], exceptions = KNOWN_EXCEPTIONS): string[] {
  const out = new Set<string>();
  for (const { from, to } of imports) {
    const a = layerOf(from);
    const b = layerOf(to);
    if (!a || !b) {
      out.add(`${!a ? from : to} belongs to no layer (declare it in LAYERS and docs/architecture.md)`);
      continue;
    }
    if (a === b || b.rank < a.rank) continue;
    if (exceptions.some((e) => e.from === a.layer && e.to === b.layer)) continue;
    out.add(
      `${from} (${a.layer}, rank ${a.rank}) imports ${to} (${b.layer}, ` +
        `rank ${b.rank}): ${b.rank > a.rank ? 'upward' : 'sideways'}`,
    );
  }
  return [...out];
}

/** File cycles (strongly connected components of more than one file, or a file importing itself). */
function importCycles(imports: readonly Import[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of imports) next.set(from, [...(next.get(from) ?? []), to]);
  // Tarjan's algorithm, iterative enough for a few hundred files.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (next.get(v) ?? []).includes(v)) cycles.push(scc.sort());
    }
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

/** Tests and their helpers (`*.test-helpers.ts`, the one convention; excluded from the build). */
const isTestFile = (p: string) => /\.test\.ts$|\.test-helpers\.ts$/.test(p);

/** `import ... from './x.js'`, `export ... from '../y.js'` and `import('./z.js')`: the relative specifier. */
const RELATIVE_IMPORT = new RegExp(
  String.raw`(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]` +
    String.raw`|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)`,
  'g',
);

/** The relative imports of every non-test source file under src/, as paths relative to src/. */
function sourceImports(srcDir: string): Import[] {
  const files = (readdirSync(srcDir, { recursive: true }) as string[]).filter(
    (f) => f.endsWith('.ts') && !isTestFile(f),
  );
  const imports: Import[] = [];
  for (const file of files) {
    const text = readFileSync(join(srcDir, file), 'utf8');
    for (const m of text.matchAll(RELATIVE_IMPORT)) {
      const spec = m[1] ?? m[2];
      const to = relative(srcDir, normalize(join(srcDir, dirname(file), spec))).replace(/\.js$/, '.ts');
      if (!to.startsWith('..')) imports.push({ from: file.split('\\').join('/'), to: to.split('\\').join('/') });
    }
  }
  return imports;
}

describe('the layering checker', () => {
  it('fails on a deliberate upward import, and on a sideways one', () => {
    expect(layerViolations([{ from: 'ir/types.ts', to: 'prune/plan.ts' }])).toEqual([
      'ir/types.ts (ir, rank 1) imports prune/plan.ts (prune, rank 7): upward',
    ]);
    expect(layerViolations([{ from: 'prune/groups.ts', to: 'data/load.ts' }])).toEqual([
      'prune/groups.ts (prune, rank 7) imports data/load.ts (data, rank 7): sideways',
    ]);
    expect(layerViolations([{ from: 'prune/apply.ts', to: 'arbitraries/plan.ts' }])).toHaveLength(1);
  });

  it('passes downward and same-layer imports, and the faults layer over the generators', () => {
    expect(
      layerViolations([
        { from: 'prune/apply.ts', to: 'ir/types.ts' },
        { from: 'prune/apply.ts', to: 'prune/slice.ts' },
        { from: 'faults/types.ts', to: 'arbitraries/graph.ts' },
        { from: 'cli/main.ts', to: 'errors.ts' },
      ]),
    ).toEqual([]);
  });

  it('names files no layer claims', () => {
    expect(layerViolations([{ from: 'newthing/a.ts', to: 'ir/types.ts' }])).toEqual([
      'newthing/a.ts belongs to no layer (declare it in LAYERS and docs/architecture.md)',
    ]);
  });

  it('finds file cycles, type-only ones included', () => {
    expect(
      importCycles([
        { from: 'a.ts', to: 'b.ts' },
        { from: 'b.ts', to: 'c.ts' },
        { from: 'c.ts', to: 'a.ts' },
        { from: 'c.ts', to: 'd.ts' },
      ]),
    ).toEqual([['a.ts', 'b.ts', 'c.ts']]);
    expect(importCycles([{ from: 'a.ts', to: 'b.ts' }])).toEqual([]);
  });

  it('reads imports, export-froms and dynamic imports', () => {
    const imports = sourceImports(new URL('.', import.meta.url).pathname);
    expect(imports).toContainEqual({ from: 'cli/main.ts', to: 'errors.ts' });
    expect(
      imports.some((i) => i.from === 'cli/commands/index.ts' && i.to === 'cli/commands/inspect.ts'),
      'the lazy command table',
    ).toBe(true);
  });
});

describe('pruneguard itself', () => {
  const imports = sourceImports(new URL('.', import.meta.url).pathname);

  it('imports only downward (docs/architecture.md)', () => {
    expect(layerViolations(imports)).toEqual([]);
  });

  it('has no file import cycles', () => {
    expect(importCycles(imports)).toEqual([]);
  });
});
