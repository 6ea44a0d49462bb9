/**
 * A sensitivity profile: for each prunable group, how much the metric dropped
 * when a probe share of its channels was removed (measured, see sensitivity.ts).
 */
export type GroupKind = 'conv' | 'linear' | 'attention' | 'other';

export interface SensitivityEntry {
  group: string;
  /** Metric drop in points (dense − pruned) at `probeRatio`; larger is more sensitive. */
  sensitivity: number;
  probeRatio: number;
  /** Parameters removed per unit ratio (params of the group's members). */
  params: number;
  /** Position of the group's first producer in topological order, 0 (input) … 1 (output). */
  depth: number;
  kind: GroupKind;
  /** The group holds the last layer(s) before the output (a classifier). */
  classifier?: boolean;
}

export interface SensitivityProfile {
  metric: string;
  entries: SensitivityEntry[];
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

export const DEFAULT_CAPS: CapRules = { earlyConv: 0.2, earlyDepth: 1 / 3, classifier: 0.7, other: 0.5 };

export function capFor(entry: SensitivityEntry, rules: CapRules = DEFAULT_CAPS): { cap: number; rule: string } {
  const explicit = rules.byGroup?.[entry.group];
  if (explicit !== undefined) return { cap: explicit, rule: `byGroup.${entry.group}` };
  if (entry.classifier) return { cap: rules.classifier, rule: 'classifier' };
  if (entry.kind === 'conv' && entry.depth < rules.earlyDepth) return { cap: rules.earlyConv, rule: 'earlyConv' };
  return { cap: rules.other, rule: 'other' };
}
