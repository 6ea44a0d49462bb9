/**
 * Pruning plans: the JSON a user writes (versioned) and its TypeScript types, inferred from
 * the one schema in plan-schema.ts (which also validates, reporting every problem at once).
 *
 * @example
 * {"version": 1,
 *  "channels": [{"group": "layer1.0.conv1.weight#0", "ratio": 0.3, "criterion": "l1"},
 *               {"group": "fc1.weight", "indices": [3, 7]}],
 *  "heads": [{"attention": "encoder.layers.0.self_attn.in_proj_weight#0", "remove": [1]}],
 *  "unstructured": [{"tensor": "fc2.weight", "sparsity": 0.85}, {"global": true, "sparsity": 0.5}],
 *  "nm": [{"tensor": "fc1.weight", "n": 2, "m": 4}],
 *  "layers": [{"remove": "layers.1"}],
 *  "guards": {"minChannels": 1, "allowSingleChannel": false, "roundTo": 1}}
 */
import type * as v from 'valibot';
import type {
  ChannelSpecSchema,
  CriterionSchema,
  GuardsSchema,
  HeadSpecSchema,
  LayerSpecSchema,
  NmSpecSchema,
  PlanSchema,
  UnstructuredSpecSchema,
} from './plan-schema.js';

export { type PlanIssue, throwIssues } from './plan-issues.js';

/** Channel importance: `l1`/`l2` norm of the weights, or seeded `random` scores. */
export type Criterion = v.InferOutput<typeof CriterionSchema>;
/** Channels of one group: by `ratio` (lowest importance first) or explicit `indices`. */
export type ChannelSpec = v.InferOutput<typeof ChannelSpecSchema>;
/** Heads of one attention unit: by `ratio` or explicit `remove` indices. */
export type HeadSpec = v.InferOutput<typeof HeadSpecSchema>;
/** An unstructured magnitude mask on one tensor, or `global` over every weight. */
export type UnstructuredSpec = v.InferOutput<typeof UnstructuredSpecSchema>;
/** An N:M pattern (default 2:4) along a weight's reduction axis. */
export type NmSpec = v.InferOutput<typeof NmSpecSchema>;
/** A whole residual block to remove, by its node-name prefix ("layers.1" for `/layers.1/...`). */
export type LayerSpec = v.InferOutput<typeof LayerSpecSchema>;
/** Limits structured removal must respect. */
export type Guards = v.InferOutput<typeof GuardsSchema>;
/** A pruning plan, version 1 (see README "Plans" and schema/plan.json). */
export type Plan = v.InferOutput<typeof PlanSchema>;
