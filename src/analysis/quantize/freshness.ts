/**
 * calibration-freshness: the activation ranges a quantized model encodes must
 * match the ranges its own float model produces now. Quantizing a pruned model
 * with the dense model's (pre-pruning) statistics is the seed's compounding
 * failure: pruning shifts activation distributions, stale scales then clip
 * values or waste quantization levels.
 *
 * For every QuantizeLinear the rule measures, on calibration data through the
 * float model: the share of values outside the encoded range (clipped), and the
 * range utilisation (observed width / encoded width). A tensor is stale when
 * more than `maxClipped` of its values clip, or when it uses less than
 * `minUtilisation` of its levels. The recorded provenance (model digest) is
 * reported alongside.
 */
import type { Finding } from '../../findings.js';
import { constantValue } from '../../ir/constants.js';
import { getElement } from '../../ir/tensor.js';
import type { Model } from '../../ir/types.js';
import type { Feeds } from '../../runtime/run.js';
import { visitActivations, type Range } from './calibrate.js';
import { modelDigest } from './digest.js';
import { CALIBRATION_METADATA_KEY, representableRange } from './qdq.js';

export interface FreshnessOptions {
  /** Largest tolerated share of clipped values per tensor (default 0.001). */
  maxClipped?: number;
  /** Smallest tolerated range utilisation per tensor (default 0.7). */
  minUtilisation?: number;
}

export interface TensorFreshness {
  tensor: string;
  encoded: { min: number; max: number };
  observed: { min: number; max: number };
  clipped: number;
  utilisation: number;
  stale: boolean;
}

export interface FreshnessResult {
  tensors: TensorFreshness[];
  /** Digest recorded at quantization time vs the float model's digest (undefined when not recorded). */
  provenanceMatches?: boolean;
  findings: Finding[];
}

/**
 * Whether a quantized model's encoded ranges still fit the activations of the model it quantizes: clipped share and
 * range utilisation per tensor, as findings.
 * @param float the float model the quantized one was made from (e.g. the pruned model)
 * @param quantized its QDQ-quantized version
 */
export async function calibrationFreshness(
  float: Model,
  quantized: Model,
  batches: readonly Feeds[],
  options: FreshnessOptions = {},
): Promise<FreshnessResult> {
  const maxClipped = options.maxClipped ?? 0.001;
  const minUtilisation = options.minUtilisation ?? 0.7;
  const floatValues = new Set([
    ...float.graph.nodes.flatMap((n) => n.outputs),
    ...float.graph.inputs.map((i) => i.name),
  ]);
  const qnodes = quantized.graph.nodes.filter(
    (n) =>
      n.opType === 'QuantizeLinear' && floatValues.has(n.inputs[0]) && !constantValue(quantized.graph, n.inputs[0]),
  );
  const stats = await measure(
    float,
    batches,
    qnodes.map((n) => ({ name: n.inputs[0], range: encodedRange(quantized, n) })),
  );
  const tensors: TensorFreshness[] = [...stats].map(([tensor, s]) => {
    const utilisation = (Math.max(0, s.max) - Math.min(0, s.min)) / (s.range.max - s.range.min);
    const clipped = s.total ? s.clipped / s.total : 0;
    return {
      tensor,
      encoded: s.range,
      observed: { min: s.min, max: s.max },
      clipped,
      utilisation,
      stale: clipped > maxClipped || utilisation < minUtilisation,
    };
  });
  const recorded = quantized.metadata.find((m) => m.key === CALIBRATION_METADATA_KEY);
  const provenanceMatches = recorded ? JSON.parse(recorded.value).modelDigest === modelDigest(float) : undefined;
  const findings: Finding[] = tensors
    .filter((t) => t.stale)
    .map((t) => ({
      invariant: 'calibration-freshness',
      failureMode: 'quantization-compounding',
      where: t.tensor,
      message:
        `${t.tensor}: encoded range [${t.encoded.min.toFixed(3)}, ${t.encoded.max.toFixed(3)}] does not fit ` +
        `the model's activations ` +
        `[${t.observed.min.toFixed(3)}, ${t.observed.max.toFixed(3)}]: ${(t.clipped * 100).toFixed(2)}% ` +
        `clipped, ${(t.utilisation * 100).toFixed(0)}% of levels ` +
        `used${provenanceMatches === false ? '; calibrated on a different model' : ''}`,
      expected: { maxClipped, minUtilisation },
      received: { clipped: t.clipped, utilisation: t.utilisation },
    }));
  return { tensors, provenanceMatches, findings };
}

function encodedRange(model: Model, q: { inputs: string[] }): Range {
  const scale = getElement(constantValue(model.graph, q.inputs[1])!, 0);
  const zp = q.inputs[2] ? getElement(constantValue(model.graph, q.inputs[2])!, 0) : 0;
  return representableRange(scale, zp);
}

/**
 * Share of each target's values outside its encoded range (beyond half a quantization step), and its observed range.
 */
async function measure(model: Model, batches: readonly Feeds[], targets: { name: string; range: Range }[]) {
  const stats = new Map(
    targets.map((t) => [t.name, { clipped: 0, total: 0, min: Infinity, max: -Infinity, range: t.range }]),
  );
  await visitActivations(model, batches, [...stats.keys()], (name, data) => {
    const s = stats.get(name)!;
    const slack = (s.range.max - s.range.min) / 510;
    for (let k = 0; k < data.length; k++) {
      const v = data[k];
      if (v < s.min) s.min = v;
      if (v > s.max) s.max = v;
      if (v < s.range.min - slack || v > s.range.max + slack) s.clipped++;
    }
    s.total += data.length;
  });
  return stats;
}
