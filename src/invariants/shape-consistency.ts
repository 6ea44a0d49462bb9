/**
 * shape-consistency: the pruned graph is internally consistent and keeps its
 * contract. Static inference finds no problem the dense graph did not have;
 * every graph output keeps its dense shape; onnxruntime loads the pruned model
 * and runs it at several input sizes, producing the dense output shapes.
 */
import type { Finding } from '../findings.js';
import type { Dim, Tensor } from '../ir/types.js';
import { randomInputs } from '../runtime/random-inputs.js';
import { run } from '../runtime/run.js';
import { createSession } from '../runtime/session.js';
import { inferShapes } from '../shape/infer.js';
import type { ShapeResult } from '../shape/types.js';
import { deriveSizes, type PruneCase } from './case.js';

const invariant = 'shape-consistency';
const failureMode = 'shape-mismatch';

/** The static half: no new inference problem, graph outputs keep their dense shapes. */
export function staticShapeConsistency(c: PruneCase, shapes?: { dense: ShapeResult; pruned: ShapeResult }): Finding[] {
  const dense = shapes?.dense ?? inferShapes(c.dense);
  const pruned = shapes?.pruned ?? inferShapes(c.pruned);
  const findings: Finding[] = [];
  const known = new Set(dense.problems.map((p) => `${p.node}|${p.rule}`));
  for (const p of pruned.problems) {
    if (known.has(`${p.node}|${p.rule}`)) continue;
    findings.push({
      invariant, failureMode, where: p.node,
      message: `${p.op} '${p.node}': ${p.message} (inputs ${p.inputShapes.map(fmt).join(', ')})`,
      expected: p.rule, received: p.inputShapes,
    });
  }
  for (const out of c.dense.graph.outputs) {
    const before = dense.values.get(out.name)?.shape;
    const after = pruned.values.get(out.name)?.shape;
    if (!c.pruned.graph.outputs.some((o) => o.name === out.name)) {
      findings.push({ invariant, failureMode, where: out.name, message: `graph output '${out.name}' disappeared`, expected: fmt(before), received: 'missing' });
    } else if (before && after && fmt(before) !== fmt(after)) {
      findings.push({ invariant, failureMode, where: out.name, message: `graph output '${out.name}' changed shape from ${fmt(before)} to ${fmt(after)}`, expected: before, received: after });
    }
  }
  return findings;
}

/** The executed half: onnxruntime loads and runs the pruned model with the dense output shapes. */
export async function executedShapeConsistency(c: PruneCase, seed = 0): Promise<Finding[]> {
  const sizesList = c.sizes ?? deriveSizes(c.dense);
  const denseSession = await createSession(c.dense);
  let prunedSession;
  try {
    prunedSession = await createSession(c.pruned);
  } catch (e) {
    return [{ invariant, failureMode, where: 'session', message: `onnxruntime cannot load the pruned model: ${firstLine(e)}`, expected: 'loads', received: firstLine(e) }];
  }
  const findings: Finding[] = [];
  for (const sizes of sizesList) {
    const feeds = randomInputs(c.dense, sizes, { seed, vocab: c.vocab });
    const want = await run(denseSession, feeds);
    let got: Record<string, Tensor>;
    try {
      got = await run(prunedSession, feeds);
    } catch (e) {
      findings.push({ invariant, failureMode, where: describeSizes(sizes), message: `onnxruntime fails on the pruned model at ${describeSizes(sizes)}: ${firstLine(e)}`, expected: 'runs', received: firstLine(e) });
      continue;
    }
    for (const [name, t] of Object.entries(want)) {
      const g = got[name];
      if (!g || fmt(g.dims) !== fmt(t.dims)) {
        findings.push({ invariant, failureMode, where: name, message: `output '${name}' at ${describeSizes(sizes)} has shape ${g ? fmt(g.dims) : 'missing'}, dense ${fmt(t.dims)}`, expected: t.dims, received: g?.dims });
      }
    }
  }
  return findings;
}

function describeSizes(sizes: Record<string, number[]>): string {
  return Object.entries(sizes).map(([k, v]) => `${k}=[${v.join(',')}]`).join(' ');
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}

function fmt(shape: readonly Dim[] | undefined): string {
  return shape ? `[${shape.map((d) => d ?? '?').join(',')}]` : '[?]';
}
