/**
 * The plan schema (valibot): the one declaration that is the TypeScript type of a plan
 * (plan.ts infers its types from it), its validator (every issue at once, with paths)
 * and the JSON Schema shipped as `pruneguard/schema/plan.json` (scripts/write-schemas.ts).
 */
import * as v from 'valibot';
import type { PlanIssue } from './plan-issues.js';

const name = (what: string) =>
  v.pipe(v.string(`${what} must be a non-empty string`), v.nonEmpty(`${what} must be a non-empty string`));
const share = (what: string) =>
  v.pipe(
    v.number(`${what} must be a number in [0, 1)`),
    v.finite(`${what} must be a number in [0, 1)`),
    v.minValue(0, `${what} must be a number in [0, 1)`),
    v.ltValue(1, `${what} must be a number in [0, 1)`),
  );
const integer = (min: number) =>
  v.pipe(
    v.number(`must be an integer >= ${min}`),
    v.integer(`must be an integer >= ${min}`),
    v.minValue(min, `must be an integer >= ${min}`),
  );
const indices = v.pipe(
  v.array(integer(0), 'must be a non-empty array of indices'),
  v.nonEmpty('must be a non-empty array of indices'),
  v.check((xs) => new Set(xs).size === xs.length, 'has duplicate indices'),
);
/** Channel importance: L1 or L2 norm of the weights, or seeded random scores. */
export const CriterionSchema = v.picklist(['l1', 'l2', 'random'], 'unknown criterion (l1, l2 or random)');
const scored = { ratio: share('ratio'), criterion: v.optional(CriterionSchema), seed: v.optional(integer(0)) };

const ChannelIndices = v.strictObject({ group: name('group'), indices });
const ChannelRatio = v.strictObject({ group: name('group'), ...scored });
const HeadIndices = v.strictObject({ attention: name('attention'), remove: indices });
const HeadRatio = v.strictObject({ attention: name('attention'), ...scored });
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * One of two shapes told apart by a key (`indices` or `ratio`): validating the shape the entry
 * chose reports issues at their own paths; without an input (type inference, JSON Schema) both.
 */
function either<A extends v.GenericSchema, B extends v.GenericSchema>(key: string, a: A, b: B) {
  const both = v.union([a, b]);
  return v.lazy((input: unknown) =>
    input === undefined ? both : isObject(input) && key in input ? a : isObject(input) ? b : both,
  );
}

export const ChannelSpecSchema = either('indices', ChannelIndices, ChannelRatio);
export const HeadSpecSchema = either('remove', HeadIndices, HeadRatio);
export const UnstructuredSpecSchema = either(
  'global',
  v.strictObject({ global: v.literal(true, 'global must be true'), sparsity: share('sparsity') }),
  v.strictObject({ tensor: name('tensor'), sparsity: share('sparsity') }),
);
export const NmSpecSchema = v.pipe(
  v.strictObject({ tensor: name('tensor'), n: v.optional(integer(1)), m: v.optional(integer(1)) }),
  v.forward(
    v.check((s) => (s.n ?? 2) < (s.m ?? 4), 'n must be smaller than m'),
    ['n'],
  ),
);
/** A whole residual block to remove, by the name the exporter gave its nodes ("layers.1" for `/layers.1/...`). */
export const LayerSpecSchema = v.strictObject({ remove: name('remove') });
export const GuardsSchema = v.strictObject({
  /** Never keep fewer channels than this in a group (default 1). */
  minChannels: v.optional(integer(1)),
  /** Allow a group to keep a single channel (default false: a 1-channel branch broadcasts silently). */
  allowSingleChannel: v.optional(v.boolean('must be a boolean')),
  /** Kept channel counts are rounded to a multiple of this (default 1). */
  roundTo: v.optional(integer(1)),
});

/** A pruning plan (version 1): what to remove, and the guards removal must respect. */
export const PlanSchema = v.strictObject({
  /** The JSON Schema a plan file names for editor completion (ignored). */
  $schema: v.optional(v.string()),
  version: v.optional(v.literal(1, 'unsupported plan version (expected 1)')),
  channels: v.optional(v.array(ChannelSpecSchema, 'must be an array')),
  heads: v.optional(v.array(HeadSpecSchema, 'must be an array')),
  unstructured: v.optional(v.array(UnstructuredSpecSchema, 'must be an array')),
  nm: v.optional(v.array(NmSpecSchema, 'must be an array')),
  /** Whole residual blocks to remove (layers.ts), before any channel or head removal. */
  layers: v.optional(v.array(LayerSpecSchema, 'must be an array')),
  guards: v.optional(GuardsSchema),
});

/**
 * Arrays a plan cannot need this long (no model has that many groups or channels in one group),
 * refused before validation: a million bad indices would otherwise make a million issues.
 */
const PLAN_LIMITS = { entries: 4096, indices: 65_536 };

function oversizedArrays(plan: unknown): PlanIssue[] {
  if (!isObject(plan)) return [];
  const out: PlanIssue[] = [];
  for (const key of ['channels', 'heads', 'unstructured', 'nm', 'layers']) {
    const list = plan[key];
    if (!Array.isArray(list)) continue;
    if (list.length > PLAN_LIMITS.entries) {
      out.push({ path: key, message: `has ${list.length} entries, at most ${PLAN_LIMITS.entries}` });
      continue;
    }
    list.forEach((e, i) => {
      for (const k of ['indices', 'remove']) {
        const xs = isObject(e) ? e[k] : undefined;
        if (Array.isArray(xs) && xs.length > PLAN_LIMITS.indices)
          out.push({ path: `${key}[${i}].${k}`, message: `has ${xs.length} entries, at most ${PLAN_LIMITS.indices}` });
      }
    });
  }
  return out;
}

/** `a.b[2].c` from valibot's path items. */
export function pathOf(issue: v.BaseIssue<unknown>, root: string): string {
  const keys = issue.path?.map((p) => p.key) ?? [];
  if (keys.length === 0) return root;
  return keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

/** valibot issues as pruneguard's issue data (unknown keys say so plainly). */
export function issuesOf(issues: readonly v.BaseIssue<unknown>[], root: string): PlanIssue[] {
  return issues.map((i) => {
    const path = pathOf(i, root);
    if (i.kind === 'schema' && i.expected === 'never')
      return { path, message: 'unknown key', expected: 'no such key', received: i.input };
    if (i.type === 'strict_object' && i.expected === 'Object')
      return { path, message: 'must be a JSON object', expected: 'object', received: i.input };
    return {
      path,
      message: i.message.replace(/^Invalid type: Expected Object but received .*/, 'must be an object'),
      expected: i.expected ?? undefined,
      received: i.input,
    };
  });
}

/**
 * The plan's structural issues, and the plan with every malformed entry dropped
 * (so name resolution can still report its own problems in the same error).
 */
export function planShapeIssues(plan: unknown): { plan: v.InferOutput<typeof PlanSchema>; issues: PlanIssue[] } {
  const oversized = oversizedArrays(plan);
  if (oversized.length) return { plan: {}, issues: oversized };
  const result = v.safeParse(PlanSchema, plan, { abortEarly: false });
  if (result.success) return { plan: result.output, issues: [] };
  const issues = issuesOf(result.issues, '(plan)');
  if (!isObject(plan))
    return {
      plan: {},
      issues: [{ path: '(plan)', message: 'a plan must be a JSON object', expected: 'object', received: plan }],
    };
  const bad = (path: string) =>
    issues.some((i) => i.path === path || i.path.startsWith(`${path}.`) || i.path.startsWith(`${path}[`));
  // Malformed entries become holes, so later issues keep the entry's own index in their path.
  const clean = (k: string) =>
    Array.isArray(plan[k]) ? (plan[k] as unknown[]).map((e, i) => (bad(`${k}[${i}]`) ? undefined : e)) : undefined;
  type Plan = v.InferOutput<typeof PlanSchema>;
  const cleaned: Plan = {
    ...(clean('channels') ? { channels: clean('channels') as Plan['channels'] } : {}),
    ...(clean('heads') ? { heads: clean('heads') as Plan['heads'] } : {}),
    ...(clean('unstructured') ? { unstructured: clean('unstructured') as Plan['unstructured'] } : {}),
    ...(clean('nm') ? { nm: clean('nm') as Plan['nm'] } : {}),
    ...(clean('layers') ? { layers: clean('layers') as Plan['layers'] } : {}),
    ...(isObject(plan.guards) && !bad('guards') ? { guards: plan.guards as Plan['guards'] } : {}),
  };
  return { plan: cleaned, issues };
}
