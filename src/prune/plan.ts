/**
 * Pruning plans: the JSON a user writes (versioned), its TypeScript type, and a
 * validator that reports every problem at once as data before one error is thrown.
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
import { PruneguardError } from '../errors.js';
import type { LayerSpec } from './layers.js';

export type Criterion = 'l1' | 'l2' | 'random';

export type ChannelSpec =
  | { group: string; ratio: number; criterion?: Criterion; seed?: number }
  | { group: string; indices: number[] };

export type HeadSpec =
  | { attention: string; remove: number[] }
  | { attention: string; ratio: number; criterion?: Criterion; seed?: number };

export type UnstructuredSpec = { tensor: string; sparsity: number } | { global: true; sparsity: number };

export interface NmSpec { tensor: string; n?: number; m?: number }

export interface Guards {
  /** Never keep fewer channels than this in a group (default 1). */
  minChannels?: number;
  /** Allow a group to keep a single channel (default false: a 1-channel branch broadcasts silently). */
  allowSingleChannel?: boolean;
  /** Kept channel counts are rounded to a multiple of this (default 1). */
  roundTo?: number;
}

export interface Plan {
  version?: 1;
  channels?: ChannelSpec[];
  heads?: HeadSpec[];
  unstructured?: UnstructuredSpec[];
  nm?: NmSpec[];
  /** Whole residual blocks to remove (layers.ts), before any channel or head removal. */
  layers?: LayerSpec[];
  guards?: Guards;
}

/** One problem with a plan: data, collected with all the others. */
export interface PlanIssue {
  path: string;
  message: string;
  expected?: string;
  received?: unknown;
}

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

/** Throws one E_BAD_PLAN listing every issue (no-op when there are none). */
export function throwIssues(issues: readonly PlanIssue[], source = 'plan'): void {
  if (issues.length === 0) return;
  const lines = issues.map((i) => `  ${i.path}: ${i.message}${i.expected ? ` (expected ${i.expected}, received ${show(i.received)})` : ''}`);
  const err = new PruneguardError('E_BAD_PLAN', `${source} has ${issues.length} problem${issues.length > 1 ? 's' : ''}:\n${lines.join('\n')}`);
  (err as PruneguardError & { issues: readonly PlanIssue[] }).issues = issues;
  throw err;
}
