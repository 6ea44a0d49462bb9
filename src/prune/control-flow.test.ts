/**
 * Control flow and old IR on the committed fixtures: weights read only inside an `If` branch or a
 * `Loop` body survive pruning (onnxruntime loads the result), the boundary blocks with its node and
 * reason, and initializers listed as graph inputs (IR 3) are weights unless fed at run time.
 */
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../onnx/load.js';
import { saveModel } from '../onnx/save.js';
import { loadModel } from '../onnx/load.js';
import { createSession, randomInputs, releaseSession, run } from '../runtime/index.js';
import { coverage } from './coverage.js';
import { analyzeGroups } from './groups.js';
import { countParams } from './params.js';
import { ratioPlan } from './plan-resolve.js';
import { prune } from './prune.js';

const DIR = 'fixtures/models';

async function runs(model: ReturnType<typeof loadModelFile>, sizes: Record<string, number[]>): Promise<void> {
  const s = await createSession(loadModel(saveModel(model)));
  try {
    const out = await run(s, randomInputs(model, sizes, { seed: 3 }));
    expect(Object.keys(out).length).toBeGreaterThan(0);
  } finally {
    await releaseSession(s);
  }
}

describe('If: weights read only inside a branch', () => {
  const dense = loadModelFile(`${DIR}/if_branch_net_op14.onnx`);
  const branchWeights = ['branch.0.weight', 'branch.0.bias', 'branch.2.weight', 'branch.2.bias'];

  it('keeps every name a branch reads, and onnxruntime runs the pruned model', async () => {
    const { model } = prune(dense, ratioPlan(analyzeGroups(dense), 0.3));
    for (const w of branchWeights) expect(model.graph.initializers.has(w), w).toBe(true);
    await runs(model, { input: [2, 3, 8, 8] });
  });

  it('blocks the channels a branch reads, naming the If and the branches', () => {
    const a = analyzeGroups(dense);
    const read = a.groups.find((g) => g.values.some(([v]) => v === '/stem/4/Relu_output_0'));
    expect(read?.blocked).toMatch(/^If \/If: \/stem\/4\/Relu_output_0 is read inside its then_branch\/else_branch/);
  });

  it('counts the branch weights and says why they are not analysed', () => {
    const c = coverage(analyzeGroups(dense), dense);
    expect(c.parameters).toBe(countParams(dense));
    expect(c.prunable + c.blocked + c.notAnalysed).toBe(c.parameters);
    const top = c.notAnalysedReasons[0];
    expect(top.reason).toMatch(/read only inside If \/If's then_branch\/else_branch/);
    expect(top.tensors).toBe(branchWeights.length);
  });
});

describe('Loop: weights read only inside the body', () => {
  it('keeps them and onnxruntime runs the pruned model', async () => {
    const dense = loadModelFile(`${DIR}/loop_net_op14.onnx`);
    const { model, report } = prune(dense, ratioPlan(analyzeGroups(dense), 0.3));
    expect(report.paramsAfter).toBeLessThan(report.paramsBefore);
    expect(model.graph.initializers.has('cell.weight')).toBe(true);
    await runs(model, { input: [3, 8] });
  });
});

describe('old IR: initializers listed as graph inputs', () => {
  const path = `${DIR}/old_ir_cnn_op9.onnx`;

  it('are weights: counted, grouped, pruned, and their declared input shapes follow', async () => {
    const dense = loadModelFile(path);
    expect(dense.irVersion).toBe(3);
    const a = analyzeGroups(dense);
    expect(coverage(a, dense).analysedPercent).toBe(100);
    const { model } = prune(dense, ratioPlan(a, 0.3));
    const w = model.graph.initializers.get('conv3.weight')!;
    expect(w.dims[0]).toBeLessThan(16);
    expect(model.graph.inputs.find((i) => i.name === 'conv3.weight')?.shape).toEqual(w.dims);
    await runs(model, { input: [2, 3, 8, 8] });
  });

  it('are not weights when fed at run time (runtimeInputs)', () => {
    const dense = loadModelFile(path, { runtimeInputs: ['conv3.weight'] });
    const a = analyzeGroups(dense);
    expect(a.groups.some((g) => g.members.some((m) => m.tensor === 'conv3.weight'))).toBe(false);
    expect(countParams(dense)).toBe(countParams(loadModelFile(path)) - 16 * 8 * 9);
  });

  it('rejects a runtime input that is not an initializer listed as an input', () => {
    expect(() => loadModelFile(path, { runtimeInputs: ['input'] })).toThrow(
      /--runtime-input input is not an initializer listed as a graph input/,
    );
  });
});
