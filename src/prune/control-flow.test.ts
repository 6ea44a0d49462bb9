/**
 * Control flow and old IR on the committed fixtures: weights read inside an `If` branch, a `Loop`
 * body or a `Scan` body (held by the main graph or by the body itself) are analysed and pruned with
 * the channels that cross the boundary, onnxruntime runs the result and it equals the mask oracle;
 * what cannot cross blocks with its node and reason; initializers listed as graph inputs (IR 3) are
 * weights unless fed at run time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.js';
import { tempDir } from '../fs/temp-dir.test-helpers.js';
import { constantNodeValue, constantValue } from '../ir/constants.js';
import { toNumbers } from '../ir/tensor.js';
import { undefinedNames } from '../ir/undefined-names.js';
import { loadModelFile } from '../onnx/load.js';
import { saveModel } from '../onnx/save.js';
import { loadModel } from '../onnx/load.js';
import { createSession, randomInputs, releaseSession, run } from '../runtime/index.js';
import { coverage } from './coverage.js';
import { analyzeGroups } from './groups.js';
import { countParams } from './params.js';
import { ratioPlan } from './plan-resolve.js';
import { prune } from './prune.js';
import { boundaryReason, coupledAxes } from './subgraph-boundary.js';
import { pruneAndVerify } from './testing/check.test-helpers.js';

const DIR = 'fixtures/models';
const dir = tempDir('pruneguard-control-flow-');

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

  it('follows channels through both branches into the If output', () => {
    const a = analyzeGroups(dense);
    const stream = a.groups.find((g) => g.values.some(([v]) => v === '/stem/4/Relu_output_0'))!;
    expect(stream.blocked).toBeUndefined();
    const values = stream.values.map(([v]) => v);
    // The If output and each branch's output carry the same channels: both branches prune alike.
    const ifNode = dense.graph.nodes.find((n) => n.opType === 'If')!;
    expect(values).toContain(ifNode.outputs[0]);
    for (const branch of Object.values(ifNode.subgraphs!)) expect(values).toContain(branch.outputs[0].name);
    expect(stream.members.map((m) => m.tensor)).toEqual(expect.arrayContaining(['branch.0.weight', 'head.weight']));
    const inner = a.groups.find((g) => g.id === 'branch.0.weight#0')!;
    expect(inner.blocked).toBeUndefined();
    expect(inner.channels).toBe(12);
  });

  it('analyses the branch weights: coverage counts every parameter, >= 95% analysed', () => {
    const c = coverage(analyzeGroups(dense), dense);
    expect(c.parameters).toBe(countParams(dense));
    expect(c.prunable + c.blocked + c.notAnalysed).toBe(c.parameters);
    expect(c.analysedPercent).toBeGreaterThanOrEqual(95);
  });

  it('names the node and the role where channels stop at it (the If condition)', () => {
    const node = dense.graph.nodes.find((n) => n.opType === 'If')!;
    expect(boundaryReason(node, { io: 'in', slot: 0, axis: 0 })).toBe(
      'If /If: /Cast_output_0 is its condition; channels stop here',
    );
  });
});

describe('Loop: weights read only inside the body', () => {
  it('keeps them and onnxruntime runs the pruned model', async () => {
    const dense = loadModelFile(`${DIR}/loop_net_op14.onnx`);
    const { model, report } = prune(dense, ratioPlan(analyzeGroups(dense), 0.3));
    expect(report.paramsAfter).toBeLessThan(report.paramsBefore);
    expect([...model.graph.initializers.keys()]).toContain('cell.weight');
    await runs(model, { input: [3, 8] });
  });

  it('couples the carried value: initial, body input, body output and final output are one group', () => {
    const dense = loadModelFile(`${DIR}/loop_net_op14.onnx`);
    const loop = dense.graph.nodes.find((n) => n.opType === 'Loop')!;
    const body = loop.subgraphs!.body;
    const g = analyzeGroups(dense).groups.find((x) => x.values.some(([v]) => v === loop.outputs[0]))!;
    const values = g.values.map(([v]) => v);
    expect(values).toEqual(expect.arrayContaining([loop.inputs[2], body.inputs[2].name, body.outputs[1].name]));
    expect(g.blocked).toBeUndefined();
    // The cell's weight is read inside the body on both axes: rows and columns are the carried channels.
    expect(
      g.members
        .filter((m) => m.tensor === 'cell.weight')
        .map((m) => m.axis)
        .sort(),
    ).toEqual([0, 1]);
  });
});

describe('Scan: a body with weights of its own', () => {
  const dense = loadModelFile(`${DIR}/scan_net_op14.onnx`);

  it('slices body initializers and Constant node, rewrites body Reshape targets, equals the mask oracle', async () => {
    const plan = ratioPlan(analyzeGroups(dense), 0.3);
    const { pruned, verified } = await pruneAndVerify(dense, plan, [{ input: [1, 6, 4] }, { input: [3, 6, 4] }]);
    expect(verified.status).toBe('pass');
    const body = pruned.graph.nodes.find((n) => n.opType === 'Scan')!.subgraphs!.body;
    const dims = (name: string) => body.initializers.get(name)?.dims;
    expect(dims('cell.w_k')).toEqual([12, 9]);
    expect(dims('cell.w_o')).toEqual([9, 12]);
    const bias = body.nodes.find((n) => n.opType === 'Constant')!;
    expect(constantNodeValue(bias)?.dims).toEqual([12]);
    const targets = body.nodes
      .filter((n) => n.opType === 'Reshape')
      .map((n) => toNumbers(constantValue(pruned.graph, n.inputs[1])!).map(Number));
    expect(targets).toEqual([
      [0, 9, 1],
      [0, 9],
    ]);
    expect(undefinedNames(pruned)).toEqual([]);
  });

  it('blocks the iteration axis of a stacked scan output with the node and the reason', () => {
    const scan = dense.graph.nodes.find((n) => n.opType === 'Scan')!;
    const reason = coupledAxes(
      { node: scan, role: 'scan output 0', members: [{ value: 'y_t' }, { value: 'ys', inserted: 1 }] },
      { value: 'ys', inserted: 1 },
      1,
    );
    expect(reason).toBe('Scan rnn/Scan: axis 1 of ys is the iteration axis of its scan output 0');
  });
});

describe('every control-flow fixture', () => {
  it.each(['if_branch_net_op14', 'loop_net_op14', 'scan_net_op14'])(
    '%s: >= 95% analysed, prune --ratio 0.3 --verify passes, the file onnxruntime runs',
    async (name) => {
      const out = join(dir, `${name}.pruned.onnx`);
      let stdout = '',
        err = '';
      const code = await main(['prune', `${DIR}/${name}.onnx`, '--ratio', '0.3', '--verify', '--json', '-o', out], {
        out: (t) => void (stdout += t),
        err: (t) => void (err += t),
      });
      expect(err).toBe('');
      expect(code).toBe(0);
      const report = JSON.parse(stdout);
      expect(report.verify.status).toBe('pass');
      expect(report.coverage.prunable + report.coverage.blocked).toBeGreaterThanOrEqual(
        0.95 * report.coverage.parameters,
      );
      const pruned = loadModelFile(out);
      expect(undefinedNames(pruned)).toEqual([]);
      const sizes = JSON.parse(readFileSync(`${DIR}/manifest.json`, 'utf8')).models.find(
        (m: { file: string }) => m.file === `${name}.onnx`,
      ).sizes[0];
      await runs(pruned, sizes);
    },
  );
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
