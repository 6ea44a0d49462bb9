import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PruneguardError } from '../errors.js';
import { fromNumbers, halfToFloat, floatToHalf } from '../ir/tensor.js';
import { saveModel } from '../onnx/save.js';
import { createSession, releaseSession, writeSessionFile } from './session.js';
import { run } from './run.js';
import { convModel, embeddingModel, mlpModel, model, node, vi } from './tiny-models.test-helpers.js';

describe('createSession + run', () => {
  it('runs an IR model and ONNX bytes to the same outputs', async () => {
    const m = mlpModel();
    const x = fromNumbers('float32', [2, 4], [1, 2, 3, 4, -1, -2, -3, -4]);
    const a = await run(await createSession(m), { x });
    const b = await run(await createSession(saveModel(m), { intraOpThreads: 1, graphOptimizationLevel: 'disabled' }), {
      x,
    });
    expect(a.y.dims).toEqual([2, 3]);
    expect(a.y.dtype).toBe('float32');
    expect([...(a.y.data as Float32Array)]).toEqual([...(b.y.data as Float32Array)]);
  });

  it('reaches onnxruntime through a temporary file past viaFileAbove, with the same outputs', async () => {
    const m = mlpModel();
    const x = fromNumbers('float32', [2, 4], [1, 2, 3, 4, -1, -2, -3, -4]);
    const viaFile = await run(await createSession(m, { viaFileAbove: 0 }), { x });
    const inMemory = await run(await createSession(m), { x });
    expect([...(viaFile.y.data as Float32Array)]).toEqual([...(inMemory.y.data as Float32Array)]);
  });

  it('a session file (mapped external data) runs like the model, before and after its files are removed', async () => {
    const m = mlpModel();
    const x = fromNumbers('float32', [2, 4], [1, 2, 3, 4, -1, -2, -3, -4]);
    const file = writeSessionFile(m);
    expect(existsSync(`${file.path}.data`), `${file.path}.data holds the tensors`).toBe(true);
    const session = await createSession({ path: file.path }, { memArena: false, prepacking: false });
    file.dispose();
    expect(existsSync(dirname(file.path))).toBe(false);
    const fromFile = await run(session, { x });
    await releaseSession(session);
    const inMemory = await run(await createSession(m), { x });
    expect([...(fromFile.y.data as Float32Array)]).toEqual([...(inMemory.y.data as Float32Array)]);
  });

  it("removes a session folder left by a killed run (dead pid) when it makes the next one, never a live one's", () => {
    const first = writeSessionFile(mlpModel());
    const folder = dirname(dirname(first.path));
    first.dispose();
    // A pid far above any pid_max is never alive; this process's own pid always is.
    const dead = join(folder, '.pruneguard-session.2147483646-0badc0de.pruneguard-tmp');
    const live = join(folder, `.pruneguard-session.${process.pid}-0badc0de.pruneguard-tmp`);
    for (const dir of [dead, live]) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'model.onnx'), 'left behind');
    }
    const next = writeSessionFile(mlpModel());
    try {
      expect(basename(dirname(next.path))).toMatch(/^\.pruneguard-session\.\d+-[0-9a-f]+\.pruneguard-tmp$/);
      expect({ dead: existsSync(dead), live: existsSync(live) }).toEqual({ dead: false, live: true });
    } finally {
      next.dispose();
      rmSync(live, { recursive: true, force: true });
    }
  });

  it('takes int64 token ids, float16, int32 and bool inputs', async () => {
    const emb = await run(await createSession(embeddingModel()), { tokens: fromNumbers('int64', [1, 3], [0, 9, 2]) });
    expect(emb.y.dims).toEqual([1, 4]);

    const half = model([node('Add', ['a', 'a'], ['b'])], [vi('a', 'float16', [2])], [vi('b', 'float16', [2])], {});
    const h = await run(await createSession(half), {
      a: { dtype: 'float16', dims: [2], data: new Uint16Array([floatToHalf(1.5), floatToHalf(-2)]) },
    });
    expect([...(h.b.data as Uint16Array)].map(halfToFloat)).toEqual([3, -4]);

    const ints = model(
      [node('Cast', ['i'], ['f'], [{ name: 'to', type: 2, i: 1 }])],
      [vi('i', 'int32', [3])],
      [vi('f', 'float32', [3])],
      {},
    );
    const c = await run(await createSession(ints), { i: fromNumbers('int32', [3], [1, -2, 7]) });
    expect([...(c.f.data as Float32Array)]).toEqual([1, -2, 7]);

    const not = model([node('Not', ['p'], ['q'])], [vi('p', 'bool', [2])], [vi('q', 'bool', [2])], {});
    const n = await run(await createSession(not), { p: fromNumbers('bool', [2], [1, 0]) });
    expect(n.q.dtype).toBe('bool');
    expect([...(n.q.data as Uint8Array)]).toEqual([0, 1]);
  });

  it('wraps a run failure naming the model, the node and the real input dims', async () => {
    const m = mlpModel();
    m.graph.inputs[0].shape = ['batch', 'features']; // so only the MatMul can notice 5 != 4
    // Optimisations fuse MatMul+Add into 'fused h0/MatMulAddFusion'; disabled, the graph's own node is named.
    const s = await createSession(m, { source: 'broken.onnx', graphOptimizationLevel: 'disabled' });
    const err = await run(s, { x: fromNumbers('float32', [1, 5], [1, 2, 3, 4, 5]) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PruneguardError);
    expect((err as PruneguardError).code).toBe('E_RUNTIME');
    expect((err as Error).message).toMatch(
      /^broken\.onnx: onnxruntime failed, at node 'h0' \(MatMul\), inputs \{x: float32\[1,5\]\}: /,
    );
  });

  it('names the node when onnxruntime refuses a model at load time', async () => {
    const m = convModel();
    m.graph.initializers.set('proj.w', fromNumbers('float32', [3, 3, 1, 1], new Array(9).fill(0.1))); // 3 != 4 channels
    const err = await createSession(m, { source: 'skip.onnx' }).catch((e: unknown) => e);
    expect((err as PruneguardError).code).toBe('E_RUNTIME');
    expect((err as Error).message).toContain("skip.onnx: onnxruntime cannot load the model, at node 'sum' (Add)");
  });

  it('wraps a load failure and refuses feeds that do not match the inputs', async () => {
    const bad = model([node('NoSuchOp', ['x'], ['y'])], [vi('x', 'float32', [1])], [vi('y', 'float32', [1])], {});
    const err = await createSession(bad, { source: 'bad.onnx' }).catch((e: unknown) => e);
    expect((err as PruneguardError).code).toBe('E_RUNTIME');
    expect((err as Error).message).toMatch(/^bad\.onnx: onnxruntime cannot load the model/);
    const s = await createSession(mlpModel());
    await expect(run(s, { z: fromNumbers('float32', [1], [1]) })).rejects.toThrow(/missing x; unknown z/);
  });
});
