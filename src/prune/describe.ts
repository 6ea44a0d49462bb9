/** Groups and attention units as plain JSON (for `pruneguard inspect --json` and reports). */
import type { Model } from '../ir/types.js';
import { analyzeGroups, type GroupAnalysis } from './groups.js';
import type { HeadDim } from './group-build.js';

export interface GroupSummary {
  id: string;
  kind: 'channels' | 'heads';
  channels: number;
  members: { tensor: string; axis: number; node: string; map: string; entry: boolean }[];
  maskExact: boolean;
  inexact?: string[];
  blocked?: string;
  /** KV-cache graph inputs/outputs that shrink with this group (an interface change). */
  cache?: string[];
  /** Channels inside attention heads: q·k (a RoPE pair per channel) or v, of which unit (see head-dim.ts). */
  headDim?: HeadDim;
}

export interface AttentionSummary {
  id: string;
  heads: number;
  headSize: number;
  members: { tensor: string; axis: number; node: string; map: string }[];
  /** Query heads within KV groups: head j is query head j of every group (removal keeps the groups even). */
  query?: true;
  blocked?: string;
  /** KV-cache graph inputs/outputs that shrink with these heads (an interface change). */
  cache?: string[];
}

export function describeGroups(model: Model | GroupAnalysis): {
  groups: GroupSummary[];
  attention: AttentionSummary[];
} {
  const a = 'prop' in model ? model : analyzeGroups(model);
  return {
    groups: a.groups.map((g) => ({
      id: g.id,
      kind: g.kind,
      channels: g.channels,
      members: g.members.map((m) => ({ tensor: m.tensor, axis: m.axis, node: m.node, map: m.map, entry: m.entry })),
      maskExact: g.maskExact,
      ...(g.inexact.length ? { inexact: g.inexact } : {}),
      ...(g.blocked ? { blocked: g.blocked } : {}),
      ...(g.cache ? { cache: g.cache } : {}),
      ...(g.headDim ? { headDim: g.headDim } : {}),
    })),
    attention: a.attention.map((u) => {
      const cache = a.groups.find((g) => g.id === u.id)?.cache;
      return {
        id: u.id,
        heads: u.heads,
        headSize: u.headSize,
        members: u.members.map((m) => ({ tensor: m.tensor, axis: m.axis, node: m.node, map: m.map })),
        ...(u.query ? { query: true as const } : {}),
        ...(u.blocked ? { blocked: u.blocked } : {}),
        ...(cache ? { cache } : {}),
      };
    }),
  };
}
