/**
 * The executed invariants in one pass through onnxruntime: the pruned model is
 * loaded once and run at every input size next to a reference — the mask
 * oracle when the plan is known (it has the dense graph's shapes, so it serves
 * both checks), else the dense model.
 *  - shape-consistency: the pruned model loads, runs, and produces the reference's output shapes;
 *  - mask-equivalence: its outputs equal the oracle's (only with a plan, only for mask-exact groups).
 */
import type { Finding } from '../findings.js';
import type { Plan } from '../prune/plan.js';
import { compareOutputs } from '../runtime/compare.js';
import { randomInputs } from '../runtime/random-inputs.js';
import { run, type Outputs } from '../runtime/run.js';
import { createSession, releaseSession, type Session, type SessionOptions } from '../runtime/session.js';
import { deriveSizes, type PruneCase } from './case.js';
import { maskOracle } from './mask-oracle.js';

export interface ExecutedOptions {
  /** Which executed invariants to report (default both). */
  shapeConsistency?: boolean;
  maskEquivalence?: boolean;
  atol?: number;
  rtol?: number;
  seed?: number;
  /**
   * onnxruntime graph optimisations for these sessions (default 'all', as served). Property runs
   * use 'disabled': the graph runs as written, and a session costs half as much to create.
   */
  optimization?: SessionOptions['graphOptimizationLevel'];
}

const SHAPE = { invariant: 'shape-consistency', failureMode: 'shape-mismatch' } as const;
const MASK = { invariant: 'mask-equivalence', failureMode: 'shape-mismatch' } as const;

export async function executedInvariants(c: PruneCase, o: ExecutedOptions = {}): Promise<Finding[]> {
  const wantShape = o.shapeConsistency ?? true;
  const wantMask = (o.maskEquivalence ?? true) && c.plan !== undefined;
  const findings: Finding[] = [];
  const oracle = wantMask ? maskOracle(c.dense, c.plan as Plan) : undefined;
  if (oracle?.inexact.length) {
    findings.push({
      ...MASK, severity: 'warning', where: oracle.inexact.map((i) => i.group).join(', '),
      message: `not checked: removal is not equivalent to masking for ${oracle.inexact.map((i) => `${i.group} (${i.reasons[0]})`).join('; ')}`,
    });
  }
  const compareValues = wantMask && !oracle?.inexact.length;
  let pruned: Session;
  try {
    pruned = await createSession(c.pruned, { graphOptimizationLevel: o.optimization });
  } catch (e) {
    const f = { ...SHAPE, where: 'session', message: `onnxruntime cannot load the pruned model: ${firstLine(e)}`, expected: 'loads', received: firstLine(e) };
    return [...findings, f, ...(compareValues && !wantShape ? [{ ...f, ...MASK }] : [])].filter((x) => wantShape || x.invariant !== SHAPE.invariant);
  }
  // The oracle shares the dense graph's shapes, so one reference session serves both checks.
  const reference = await createSession(oracle && !oracle.inexact.length ? oracle.model : c.dense, { graphOptimizationLevel: o.optimization });
  try {
    for (const sizes of c.sizes ?? deriveSizes(c.dense)) {
      const at = Object.entries(sizes).map(([k, v]) => `${k}=[${v.join(',')}]`).join(' ');
      const feeds = randomInputs(c.dense, sizes, { seed: o.seed ?? 0, vocab: c.vocab });
      const want = await run(reference, feeds);
      let got: Outputs;
      try {
        got = await run(pruned, feeds);
      } catch (e) {
        if (wantShape) findings.push({ ...SHAPE, where: at, message: `onnxruntime fails on the pruned model at ${at}: ${firstLine(e)}`, expected: 'runs', received: firstLine(e) });
        if (compareValues && !wantShape) findings.push({ ...MASK, where: 'run', message: `the pruned model fails where the mask oracle runs: ${firstLine(e)}` });
        continue;
      }
      for (const [name, t] of Object.entries(want)) {
        const g = got[name];
        if (!g || g.dims.join() !== t.dims.join()) {
          if (wantShape) findings.push({ ...SHAPE, where: name, message: `output '${name}' at ${at} has shape ${g ? `[${g.dims.join(',')}]` : 'missing'}, dense [${t.dims.join(',')}]`, expected: t.dims, received: g?.dims });
        }
      }
      if (!compareValues) continue;
      const cmp = compareOutputs(got, want, { atol: o.atol ?? 1e-4, rtol: o.rtol ?? 1e-3 });
      for (const [name, r] of Object.entries(cmp.outputs)) {
        if (r.pass || r.reason) continue; // a shape difference is shape-consistency's finding
        findings.push({
          ...MASK, where: name,
          message: `output '${name}' differs from the mask oracle at ${at}: max |Δ| ${r.maxAbs.toExponential(2)} at [${r.worstAt.join(',')}] (pruned ${r.worst?.a}, oracle ${r.worst?.b})`,
          expected: r.worst?.b, received: r.worst?.a,
        });
      }
    }
  } finally {
    await Promise.all([releaseSession(pruned), releaseSession(reference)]);
  }
  return findings;
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}
