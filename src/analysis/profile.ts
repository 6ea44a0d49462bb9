/**
 * A sensitivity profile: for each prunable group, how much the metric dropped
 * when a probe share of its channels was removed (measured, see sensitivity.ts).
 */
export type GroupKind = 'conv' | 'linear' | 'attention' | 'other';

/** One probe of a group: `ratio` of its channels (heads) removed, measured. */
export interface SensitivityDrop {
  ratio: number;
  /** Channels (heads) removed at this ratio (0: the group is too small, nothing measured). */
  removed: number;
  /** The pruned model's metric in points (0–100). */
  metric: number;
  /** dense − pruned, in points. */
  drop: number;
}

/** One group's measured sensitivity: the metric drop when a share of it is removed, and what kind of group it is. */
export interface SensitivityEntry {
  group: string;
  /**
   * Metric drop in points (dense − pruned) at `probeRatio`; larger is more
   * sensitive. When several ratios were probed: the mean drop over `drops`,
   * and `probeRatio` is the largest of them.
   */
  sensitivity: number;
  probeRatio: number;
  /** Parameters removed per unit ratio (params of the group's members). */
  params: number;
  /** Multiply-accumulates per example removed per unit ratio (weight ops the members feed). */
  flops?: number;
  /** Position of the group's first producer in topological order, 0 (input) … 1 (output). */
  depth: number;
  kind: GroupKind;
  /** The group holds the last layer(s) before the output (a classifier). */
  classifier?: boolean;
  /** Channels (heads) in the group. */
  channels?: number;
  /** Every probed ratio, ascending (sensitivity.ts fills it). */
  drops?: SensitivityDrop[];
  /** Dense metric in points. */
  dense?: number;
  /** Pruned metric in points at `probeRatio`. */
  pruned?: number;
  /**
   * How the pruned variants were evaluated: through gates on one shared session
   * (mask-exact groups), or by real pruning and a session of their own
   * (groups whose removal is not a mask, e.g. LayerNorm-coupled), with why.
   */
  evaluation?: 'gated' | 'pruned';
  /** Attention units probed head by head: the drop when that head alone is removed. */
  perHead?: { head: number; metric: number; drop: number }[];
  fallbackReason?: string;
}

/** Every group's sensitivity on one data set, with the metric, the dense value and how it was measured. */
export interface SensitivityProfile {
  metric: string;
  entries: SensitivityEntry[];
  /** Dense metric in points (sensitivity.ts fills the fields below). */
  dense?: number;
  criterion?: string;
  ratios?: number[];
  examples?: number;
  /**
   * Parameters of the whole model. Entries' `params` are first-order (a tensor
   * sliced by two groups, e.g. a Gemm weight by its rows' and its columns'
   * groups, counts in both), so their sum can exceed this.
   */
  totalParams?: number;
  /** Digests of the model and evaluation data the profile was measured on. */
  modelDigest?: string;
  dataDigest?: string;
}

/** Caps on the ratio a group may be pruned by. The defaults encode the seed's guidance. */
export interface CapRules {
  /** Conv groups in the first `earlyDepth` of the network (default 1/3): cap 0.2. */
  earlyConv: number;
  earlyDepth: number;
  /** Classifier groups: cap 0.7. */
  classifier: number;
  /** Everything else: cap 0.5. */
  other: number;
  /** Explicit caps by group id override the rules. */
  byGroup?: Record<string, number>;
}

/** The default caps: early convs 0.2 (first third of the depth), classifiers 0.7, everything else 0.5. */
export const DEFAULT_CAPS: CapRules = { earlyConv: 0.2, earlyDepth: 1 / 3, classifier: 0.7, other: 0.5 };

export function capFor(entry: SensitivityEntry, rules: CapRules = DEFAULT_CAPS): { cap: number; rule: string } {
  const explicit = rules.byGroup?.[entry.group];
  if (explicit !== undefined) return { cap: explicit, rule: `byGroup.${entry.group}` };
  if (entry.classifier) return { cap: rules.classifier, rule: 'classifier' };
  if (entry.kind === 'conv' && entry.depth < rules.earlyDepth) return { cap: rules.earlyConv, rule: 'earlyConv' };
  return { cap: rules.other, rule: 'other' };
}
