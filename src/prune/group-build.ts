/**
 * Dependency groups from propagated channels. Every connected set of channel
 * elements is one removable channel; channels touching the same set of spaces
 * form one group (a Conv's 64 output channels, their BatchNorm, the residual
 * partners and every consumer's input slice). Channel c of a group is its c-th
 * channel ordered by index in the group's first space.
 */
import { nodeLabel, type Propagation, type Space } from './spaces.js';

/** What a head_dim group is, on top of its channels (head-dim.ts). */
export interface HeadDim {
  /** 'qk': q and k channels meeting in q·kᵀ (a RoPE pair is one channel); 'v': value channels. */
  part: 'qk' | 'v';
  /** head_dim before pruning. */
  size: number;
  /** head_dim positions one channel removes from every head (2 for a RoPE pair). */
  perChannel: number;
  /** The attention unit (KV heads) whose heads these channels are inside, when one is found. */
  unit?: string;
}

/** A stored tensor the group slices: `indices[c]` are its positions along `axis` for channel c. */
export interface GroupMember {
  tensor: string;
  axis: number;
  /** A node that reads or writes it. */
  node: string;
  /** How group channels map to positions: "identity", "offset 16", "block 49", "indices". */
  map: string;
  /** Channels enter a weight here (Conv weight[:, c], MatMul rows): the mask oracle zeroes these. */
  entry: boolean;
  indices: number[][];
}

/** A channel group: every tensor axis that must lose the same channels together, and why it may be blocked. */
export interface Group {
  id: string;
  kind: 'channels' | 'heads';
  channels: number;
  members: GroupMember[];
  /** Activations carrying the channels: [value, axis]. */
  values: [string, number][];
  /** Why the group cannot be pruned (first reasons), if it cannot. */
  blocked?: string;
  /** Every distinct reason it is blocked, in the order met (set with `blocked`). */
  blockedReasons?: string[];
  /** Removing channels equals masking them at their entries (see mask.ts). */
  maskExact: boolean;
  inexact: string[];
  /** The reasons among `inexact` that are products of two activations contracting the channels. */
  contracted?: string[];
  headSize?: number;
  /** KV-cache graph inputs/outputs the group shrinks: pruning it changes the model's interface. */
  cache?: string[];
  /**
   * Query heads within grouped-query KV groups (second analysis pass): channel j is query head j of
   * every KV group, so every group keeps the same count. Its elements index `GroupAnalysis.query`.
   */
  query?: true;
  /** Channels inside attention heads (third analysis pass, head-dim.ts): its elements index `GroupAnalysis.headDim`. */
  headDim?: HeadDim;
  /**
   * The mask oracle zeroes the channels in every stored member (where they are produced: q_proj and k_proj
   * columns, RoPE tables), not only at entries: set on a q·k head_dim group that is exact that way.
   */
  zeroStored?: true;
  /** Internal: element ids of each channel. */
  elements: Int32Array[];
}

function describe(indices: number[][]): string {
  const w = indices[0]?.length ?? 0;
  if (w === 0 || indices.some((ix) => ix.length !== w)) return 'indices';
  const off = indices[0][0];
  const contiguous = indices.every((ix, c) => ix.every((v, r) => v === off + c * w + r));
  if (!contiguous) return 'indices';
  if (w > 1) return off === 0 ? `block ${w}` : `block ${w} offset ${off}`;
  return off === 0 ? 'identity' : `offset ${off}`;
}

const MAX_REASONS = 3;

function distinctReasons(spaces: readonly Space[], of: (s: Space) => readonly string[]): string[] {
  const seen = new Set<string>();
  for (const s of spaces) for (const r of of(s)) seen.add(r);
  return [...seen];
}

/** One removable channel: its elements (ascending) and its positions in each space it touches (spaces in id order). */
interface Channel {
  elements: Int32Array;
  at: number[][];
}

/** Channels that touch exactly the same spaces: one group-to-be. */
interface SharedSpaces {
  spaces: Space[];
  channels: Channel[];
}

/**
 * Connected sets of elements (channels), gathered by the spaces they touch. The union-find keeps the
 * smallest element as root and spaces own ascending element ranges, so one ascending pass over the
 * elements yields every channel's elements ascending, hence its spaces in id order and its positions
 * in each space ascending: no per-channel map or sort. Channels are counted first, so their
 * elements share one buffer allocated at its size (this runs once per generated case).
 */
function channelsBySpaces(prop: Propagation): SharedSpaces[] {
  const { uf } = prop;
  const count = uf.count;
  const channelOf = new Int32Array(count);
  const sizes: number[] = [];
  for (let e = 0; e < count; e++) {
    const r = uf.find(e);
    if (r === e) {
      channelOf[e] = sizes.length;
      sizes.push(1);
    } else sizes[(channelOf[e] = channelOf[r])]++;
  }
  // Every channel's elements as one slice of a single buffer, in ascending order.
  const sorted = new Int32Array(count);
  const fill = new Int32Array(sizes.length);
  for (let c = 1; c < sizes.length; c++) fill[c] = fill[c - 1] + sizes[c - 1];
  const channels: Channel[] = sizes.map((n, c) => ({ elements: sorted.subarray(fill[c], fill[c] + n), at: [] }));
  for (let e = 0; e < count; e++) sorted[fill[channelOf[e]]++] = e;

  const gathered: SharedSpaces[] = [];
  // Candidates by first space; the full space list then decides (cheaper than a string signature per channel).
  const byFirst = new Map<Space, SharedSpaces[]>();
  for (const c of channels) {
    const els = c.elements;
    const touched: Space[] = [];
    for (let i = 0; i < els.length; ) {
      const s = prop.spaceOf(els[i]);
      let end = i + 1;
      while (end < els.length && els[end] < s.base + s.n) end++;
      const positions = new Array<number>(end - i);
      for (let k = i; k < end; k++) positions[k - i] = els[k] - s.base;
      touched.push(s);
      c.at.push(positions);
      i = end;
    }
    let candidates = byFirst.get(touched[0]);
    if (!candidates) byFirst.set(touched[0], (candidates = []));
    let g = candidates.find((x) => sameSpaces(x.spaces, touched));
    if (!g) {
      candidates.push((g = { spaces: touched, channels: [] }));
      gathered.push(g);
    }
    g.channels.push(c);
  }
  return gathered;
}

function sameSpaces(a: readonly Space[], b: readonly Space[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `base` if no group has it yet, else `base@P` where P is the group's first position in the tensor that
 * names it (the concatenated branches of an Inception block share their consumer's weight), else a count.
 * The id is added to `ids`.
 */
export function uniqueId(base: string, ids: Set<string>, position: number): string {
  let id = ids.has(base) ? `${base}@${position}` : base;
  for (let n = 2; ids.has(id); n++) id = `${base}@${position}~${n}`;
  ids.add(id);
  return id;
}

/**
 * The groups of one propagation: every set of channels touching the same spaces, with a stored member.
 * `ids` holds the ids taken so far (an id met twice gets its first position as a suffix); `copies` are the
 * names un-sharing made (never chosen as an id when the group has another member).
 */
export function buildGroups(prop: Propagation, ids: Set<string>, suffix = '', copies?: ReadonlySet<string>): Group[] {
  const groups: Group[] = [];
  for (const { spaces: ss, channels } of channelsBySpaces(prop)) {
    if (!ss.some((s) => s.stored)) continue;
    // Channel c of a group is the c-th by its first position in the group's first space (its smallest element).
    channels.sort((a, b) => a.elements[0] - b.elements[0]);
    const cs = channels.map((c) => c.elements);
    const members: GroupMember[] = [];
    ss.forEach((s, k) => {
      if (!s.stored) return;
      const indices = channels.map((c) => c.at[k]);
      members.push({
        tensor: s.value,
        axis: s.axis,
        node: s.via ? nodeLabel(s.via) : '',
        map: describe(indices),
        entry: s.entry,
        indices,
      });
    });
    const storedSpaces = ss.filter((s) => s.stored);
    // Exporter-made names (onnx::MatMul_255) say nothing, and a per-use copy of a de-duplicated constant
    // names another layer (layers.0.slopes__/layers.1/Mul); prefer a parameter's own name.
    const own = (s: Space) => !s.value.startsWith('onnx::') && !copies?.has(s.value);
    const named = storedSpaces.find(own) ?? storedSpaces.find((s) => !copies?.has(s.value)) ?? storedSpaces[0];
    const k = ss.indexOf(named);
    const first = channels.reduce((m, c) => Math.min(m, c.at[k]?.[0] ?? 0), Number.POSITIVE_INFINITY);
    const id = uniqueId(`${named.value}#${named.axis}${suffix}`, ids, first);
    const blocked = distinctReasons(ss, (s) => s.blocked);
    const contracted = distinctReasons(ss, (s) => s.contracted);
    const inexact = distinctReasons(ss, (s) => (s.contracted.length ? s.inexact.concat(s.contracted) : s.inexact));
    // Attention heads: the batch axis of a product of two activations. Their size is the smallest
    // per-head block a split reported (a fused [H, 3·hd] split reports q, k and v together); heads of
    // one feature report none, as their split is an identity.
    const sizes = ss.flatMap((s) => (s.headSize ? [s.headSize] : []));
    const cache = [...new Set(ss.filter((s) => s.cache).map((s) => s.value))];
    const heads = ss.some((s) => s.attention) ? (sizes.length ? Math.min(...sizes) : 1) : undefined;
    groups.push({
      id,
      kind: heads ? 'heads' : 'channels',
      channels: cs.length,
      members,
      values: ss.filter((s) => !s.stored).map((s) => [s.value, s.axis]),
      ...(blocked.length
        ? {
            blocked:
              blocked.slice(0, MAX_REASONS).join('; ') +
              (blocked.length > MAX_REASONS ? `; and ${blocked.length - MAX_REASONS} more` : ''),
            blockedReasons: blocked,
          }
        : {}),
      maskExact: inexact.length === 0,
      inexact,
      ...(contracted.length ? { contracted } : {}),
      ...(heads ? { headSize: heads } : {}),
      ...(cache.length ? { cache } : {}),
      elements: cs,
    });
  }
  return groups;
}
