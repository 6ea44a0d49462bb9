/**
 * Classification metrics over evaluation results, on all examples or a subset:
 * accuracy and per-class recall with labels; agreement with a reference
 * (dense) model's predictions and output divergence without them.
 * Values are fractions in [0, 1]; thresholds elsewhere speak in points (0–100).
 */
import { PruneguardError } from '../errors.js';
import type { EvalResult } from '../data/evaluate.js';

export interface Divergence {
  /** Largest |pruned − dense| over every output value. */
  maxAbs: number;
  /** Mean over examples of KL(softmax(dense) ‖ softmax(pruned)) in nats (Bernoulli of the sigmoid when width is 1). */
  meanKL: number;
  /** Mean over examples of the L2 distance between output vectors. */
  meanL2: number;
}

/** Accuracy (and recall per class) against labels, agreement and divergence against a reference evaluation. */
export interface Metrics {
  count: number;
  accuracy?: number;
  /** Recall per true class present in the subset, keyed by class index. */
  perClassRecall?: Record<number, number>;
  /** Share of examples whose prediction equals the reference's. */
  agreement?: number;
  divergence?: Divergence;
}

export type Evaluated = Pick<EvalResult, 'count' | 'width' | 'outputs' | 'predictions' | 'labels'>;

function logSoftmax(v: Float32Array, out: Float64Array): void {
  if (v.length === 1) {
    // Binary logit: log p(1) = −softplus(−z), log p(0) = −softplus(z).
    const z = v[0];
    const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    out[0] = -softplus(-z);
    out[1] = -softplus(z);
    return;
  }
  let max = -Infinity;
  for (const x of v) if (x > max) max = x;
  let sum = 0;
  for (const x of v) sum += Math.exp(x - max);
  const lse = max + Math.log(sum);
  for (let k = 0; k < v.length; k++) out[k] = v[k] - lse;
}

/**
 * Metrics of an evaluation: accuracy against labels, and agreement and KL divergence against a reference evaluation.
 * @param reference the dense model's results on the same examples (for agreement and divergence)
 * @param indices the subset (a slice); all examples when omitted
 */
export function computeMetrics(result: Evaluated, reference?: Evaluated, indices?: ArrayLike<number>): Metrics {
  if (reference && (reference.count !== result.count || reference.width !== result.width)) {
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `reference has ${reference.count} examples × ${reference.width} outputs, ` +
        `result has ${result.count} × ${result.width}; evaluate both models on the same data`,
    );
  }
  const idx = indices ?? Int32Array.from({ length: result.count }, (_, i) => i);
  const n = idx.length;
  const metrics: Metrics = { count: n };
  if (n === 0) return metrics;
  if (result.labels) {
    let correct = 0;
    const seen = new Map<number, [number, number]>();
    for (let j = 0; j < n; j++) {
      const i = idx[j];
      const label = result.labels[i];
      const hit = result.predictions[i] === label ? 1 : 0;
      correct += hit;
      const s = seen.get(label) ?? [0, 0];
      seen.set(label, [s[0] + hit, s[1] + 1]);
    }
    metrics.accuracy = correct / n;
    metrics.perClassRecall = Object.fromEntries([...seen].sort(([a], [b]) => a - b).map(([c, [h, t]]) => [c, h / t]));
  }
  if (reference) {
    const w = result.width;
    const lp = new Float64Array(Math.max(w, 2));
    const lq = new Float64Array(Math.max(w, 2));
    let agree = 0,
      maxAbs = 0,
      kl = 0,
      l2 = 0;
    for (let j = 0; j < n; j++) {
      const i = idx[j];
      if (result.predictions[i] === reference.predictions[i]) agree++;
      const a = reference.outputs.subarray(i * w, (i + 1) * w);
      const b = result.outputs.subarray(i * w, (i + 1) * w);
      let sq = 0;
      for (let k = 0; k < w; k++) {
        const d = Math.abs(b[k] - a[k]);
        if (d > maxAbs || Number.isNaN(d)) maxAbs = Number.isNaN(d) ? NaN : Math.max(maxAbs, d);
        sq += d * d;
      }
      l2 += Math.sqrt(sq);
      logSoftmax(a, lp);
      logSoftmax(b, lq);
      let e = 0;
      for (let k = 0; k < lp.length; k++) e += Math.exp(lp[k]) * (lp[k] - lq[k]);
      kl += Math.max(0, e);
    }
    metrics.agreement = agree / n;
    metrics.divergence = { maxAbs, meanKL: kl / n, meanL2: l2 / n };
  }
  return metrics;
}
