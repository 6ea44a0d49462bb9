/**
 * Query heads within grouped-query KV groups. In the first analysis an attention unit of a GQA model is
 * one KV head with its `n_rep` query heads: repeat_kv's Reshape `[.., kv_heads, n_rep, ..] → [.., heads, ..]`
 * pairs the query heads with the `kv_heads` digit. A union-find holds one pairing only, so a second
 * propagation over the same model pairs them with the `n_rep` digit instead: channel j is then query head
 * j of every KV group, with position j of the Expand/Tile that repeats each KV head `n_rep` times (a
 * broadcast from 1, whose count literal is rewritten). Removing it leaves every group the same count and
 * rewrites `n_rep` in the repeat Reshape; a plan cannot leave the groups uneven.
 */
import type { Node } from '../ir/types.js';
import { propagate, type Propagation } from './spaces.js';

/** The alternative of a repeat Reshape that pairs the merged heads with the inner (`n_rep`) digit. */
const INNER_DIGIT = 1;

/** repeat_kv's Reshapes (fed by an Expand/Tile that stretches an axis from 1), with that axis. */
function repeatReshapes(first: Propagation): Map<Node, number> {
  const out = new Map<Node, number>();
  const shape = (name: string) => first.shapes.values.get(name)?.shape;
  for (const [node, { alternatives }] of first.choosers) {
    if (node.opType !== 'Reshape' || alternatives < 2) continue;
    const repeat = first.index.producer.get(node.inputs[0]);
    if (!repeat || (repeat.opType !== 'Expand' && repeat.opType !== 'Tile')) continue;
    const [before, after] = [shape(repeat.inputs[0]), shape(node.inputs[0])];
    if (!before || !after || before.length !== after.length) continue;
    const axis = after.findIndex((d, k) => before[k] === 1 && typeof d === 'number' && d > 1);
    if (axis >= 0) out.set(node, axis);
  }
  return out;
}

/**
 * The second propagation over `first.model` that pairs repeat_kv's merged heads with the `n_rep` digit, and
 * the repeated (value, axis) spaces whose heads groups are query-head units; undefined when the model repeats
 * no KV heads (MHA: a unit is one query head already).
 */
export function queryHeadPropagation(
  first: Propagation,
  options: { keepInterface?: boolean } = {},
): { prop: Propagation; repeated: (readonly [string, number])[] } | undefined {
  const reshapes = repeatReshapes(first);
  if (reshapes.size === 0) return undefined;
  const choices = new Map([...reshapes.keys()].map((n) => [n, INNER_DIGIT]));
  const prop = propagate(first.model, {
    index: first.index,
    shapes: first.shapes,
    choices,
    ...(options.keepInterface ? { keepInterface: true } : {}),
  });
  return { prop, repeated: [...reshapes].map(([node, axis]) => [node.inputs[0], axis] as const) };
}
