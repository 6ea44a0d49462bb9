/**
 * Masks on real PyTorch exports (fixtures/models): every prunable weight whose
 * reduction axis admits 2:4 gets it (Einsum kernels included), the rest an unstructured mask; onnxruntime
 * runs the result with the dense output shapes and nm-conformance finds no error.
 */
import { describe, expect, it } from 'vitest';
import { nmConformance } from '../../invariants/nm-conformance.js';
import { indexGraph } from '../../ir/graph-index.js';
import { loadModelFile } from '../../onnx/load.js';
import { createSession, randomInputs, releaseSession, run } from '../../runtime/index.js';
import { applyNm, applyUnstructured, prunableWeights, reductionAxis, resolveWeight } from './index.js';

const FIXTURES = [
  'resnet_tiny_op17',
  'resnet_tiny_constants_op17',
  'mobilenetv2_tiny_op17',
  'bert_tiny_op17',
  'gpt_tiny_identity_op17',
  'gpt_tiny_op14',
  'einsum_tiny_op17',
];

describe('masks on fixture models', () => {
  for (const name of FIXTURES) {
    it(name, async () => {
      const dense = loadModelFile(new URL(`../../../fixtures/models/${name}.onnx`, import.meta.url).pathname);
      const index = indexGraph(dense.graph);
      const weights = prunableWeights(dense);
      // An Einsum kernel summed over two labels ([H, hd, E]) has no single N:M axis: it gets the unstructured mask.
      const axisOf = (w: string) => {
        try {
          return reductionAxis(dense, w, index).axis;
        } catch {
          return undefined;
        }
      };
      const nm = weights.filter((w) => {
        const axis = axisOf(w);
        return axis !== undefined && resolveWeight(dense, w, index).value.dims[axis] % 4 === 0;
      });
      const rest = weights.filter((w) => !nm.includes(w));
      expect(nm.length).toBeGreaterThan(0);
      if (name.startsWith('einsum'))
        expect(nm).toEqual(expect.arrayContaining(['blocks.0.attn.wq', 'blocks.1.attn.wv']));
      const plan = { nm: nm.map((tensor) => ({ tensor })) };
      const { model: sparse, report } = applyNm(dense, plan.nm);
      const pruned = rest.length
        ? applyUnstructured(sparse, [{ global: true, sparsity: 0.5, tensors: rest }]).model
        : sparse;
      expect(report.filter((r) => !(r.sparsity >= 0.5))).toEqual([]);
      expect(nmConformance({ dense, pruned, plan }).filter((f) => f.severity !== 'warning')).toEqual([]);

      const feeds = randomInputs(dense, {}, { seed: 1, dims: { batch: 2, seq: 7 } });
      const [a, b] = [await createSession(dense), await createSession(pruned)];
      const [outA, outB] = [await run(a, feeds), await run(b, feeds)];
      for (const k of Object.keys(outA)) {
        expect(outB[k].dims).toEqual(outA[k].dims);
        expect([...(outB[k].data as Float32Array)].filter((x) => !Number.isFinite(x))).toEqual([]);
      }
      await releaseSession(a);
      await releaseSession(b);
    });
  }
});
