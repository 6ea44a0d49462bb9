/**
 * Propagation that picks, for each fused split, the pairing that leaves the
 * fewest channels blocked. A Reshape of features [3·H·hd] into [3, H, hd] (ViT's
 * fused qkv) could pair the features with the 3 (q/k/v) digit, the head digit
 * or the head-dim digit; the union-find can only hold one of them. The default
 * (the digit spanning all features, right for [H, hd]) is tried first; where a
 * chooser's channels end up blocked, its alternatives are tried and kept only
 * when more channels become removable. Every pairing is sound on its own, so
 * the choice changes which groups exist, never whether one is right.
 */
import type { GraphIndex } from '../ir/graph-index.js';
import type { Model, Node } from '../ir/types.js';
import { inferShapes } from '../shape/infer.js';
import { propagate, type Propagation } from './spaces.js';

/** Alternatives tried per analysis at most (each is one more propagation). */
const MAX_TRIALS = 12;

/** Union-find roots of every component that a blocked space belongs to. */
function blockedRoots(p: Propagation): Set<number> {
  const roots = new Set<number>();
  for (const s of p.spaces) if (s.blocked.length) for (let i = 0; i < s.n; i++) roots.add(p.uf.find(s.base + i));
  return roots;
}

/** Removable channels: distinct unblocked components among the elements of stored spaces. */
function removable(p: Propagation): number {
  const blocked = blockedRoots(p);
  const free = new Set<number>();
  for (const s of p.spaces) {
    if (!s.stored) continue;
    for (let i = 0; i < s.n; i++) {
      const r = p.uf.find(s.base + i);
      if (!blocked.has(r)) free.add(r);
    }
  }
  return free.size;
}

/** The chooser's own pairing leaves channels blocked (its alternatives may free them). */
function pairingBlocked(p: Propagation, blocked: Set<number>, node: Node): boolean {
  return (p.choosers.get(node)?.spaces ?? []).some((s) => {
    for (let i = 0; i < s.n; i++) if (blocked.has(p.uf.find(s.base + i))) return true;
    return false;
  });
}

export function propagateChoosing(
  model: Model,
  index?: GraphIndex,
  options: { keepInterface?: boolean } = {},
): Propagation {
  const shapes = inferShapes(model);
  const keep = options.keepInterface ? { keepInterface: true } : {};
  let best = propagate(model, { ...(index ? { index } : {}), shapes, ...keep });
  if (best.choosers.size === 0) return best;
  let score = -1;
  const choices = new Map<Node, number>();
  let trials = 0;
  let blocked = blockedRoots(best);
  for (const [node, { alternatives }] of [...best.choosers]) {
    // Only a pairing whose own channels are blocked is reconsidered: a working default (heads) is
    // never traded for an alternative that frees more channels elsewhere (head dims).
    if (!pairingBlocked(best, blocked, node)) continue;
    if (score < 0) score = removable(best);
    for (let c = 1; c < alternatives && trials < MAX_TRIALS; c++, trials++) {
      const trial = new Map(choices).set(node, c);
      const p = propagate(model, { index: best.index, shapes, choices: trial, ...keep });
      const s = removable(p);
      if (s > score) {
        best = p;
        score = s;
        choices.set(node, c);
        blocked = blockedRoots(best);
      }
    }
  }
  return best;
}
