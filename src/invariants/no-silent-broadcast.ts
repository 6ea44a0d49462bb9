/**
 * no-silent-broadcast: every elementwise op broadcasts in the pruned graph
 * exactly as it did in the dense graph. Dense graphs broadcast on purpose
 * (biases, attention masks, squeeze-excitation gates): only a stretch that
 * pruning introduced is a finding, named with the node, both shapes and the
 * pruned producer whose output shape changed.
 */
import type { Finding } from '../findings.js';
import { formatShape } from '../ir/format.js';
import { indexGraph } from '../ir/graph-index.js';
import type { Model } from '../ir/types.js';
import { denseCounterparts } from '../ir/structural-keys.js';
import { inferShapes } from '../shape/infer.js';
import type { BroadcastSignature, ShapeResult } from '../shape/types.js';
import type { PruneCase } from './case.js';

const invariant = 'no-silent-broadcast';
const failureMode = 'shape-mismatch';

/** Invariant: pruning creates no new broadcast (a size-1 axis stretched where the dense model matched sizes). */
export function noSilentBroadcast(c: PruneCase, shapes?: { dense: ShapeResult; pruned: ShapeResult }): Finding[] {
  const dense = shapes?.dense ?? inferShapes(c.dense);
  const pruned = shapes?.pruned ?? inferShapes(c.pruned);
  const denseByNode = new Map(dense.broadcasts.map((b) => [b.node, b]));
  const denseNames = new Set(c.dense.graph.nodes.map((n) => n.name));
  // A pruner may rename every node (exporters, optimisers): a node unknown by name is matched by
  // its place in the graph (see structural-keys.ts).
  const counterparts = pruned.broadcasts.some((b) => !denseNames.has(b.node))
    ? denseCounterparts(c.dense, c.pruned)
    : undefined;
  const findings: Finding[] = [];
  for (const b of pruned.broadcasts) {
    const matched = denseByNode.get(b.node) ?? denseByNode.get(counterparts?.get(b.node) ?? '');
    // Renamed and not matched (a tool changed the graph around it): judged against every dense node of
    // the same op and input ranks, so only a broadcast no such node makes is new.
    const before =
      matched ?? (denseNames.has(b.node) || counterparts?.has(b.node) ? undefined : likeIt(dense.broadcasts, b));
    const known = new Set((before?.axes ?? []).map((a) => `${a.input}:${a.axis}:${a.kind}`));
    const added = b.axes.filter((a) => !known.has(`${a.input}:${a.axis}:${a.kind}`));
    if (added.length === 0) continue;
    const stretched = b.inputs[added[0].input];
    findings.push({
      invariant,
      failureMode,
      where: b.node,
      message:
        `${b.op} '${b.node}' now broadcasts ${stretched.name} ${formatShape(stretched.shape)} on ` +
        `axis ${added.map((a) => a.axis).join(',')} ` +
        `(inputs ${b.inputs.map((i) => formatShape(i.shape)).join(' and ')}; ` +
        `dense: ${before ? before.inputs.map((i) => formatShape(i.shape)).join(' and ') : 'no broadcast'}); ` +
        `pruned producer: ${prunedProducer(c.pruned, stretched.name, dense, pruned) ?? 'unknown'}`,
      expected: before ? signature(before) : 'no broadcast',
      received: signature(b),
    });
  }
  return findings;
}

/** The nearest node upstream of `value` whose output shape differs from the dense graph's. */
function prunedProducer(model: Model, value: string, dense: ShapeResult, pruned: ShapeResult): string | undefined {
  const index = indexGraph(model.graph);
  const queue = [value];
  const seen = new Set<string>();
  while (queue.length) {
    const v = queue.shift()!;
    if (seen.has(v)) continue;
    seen.add(v);
    const node = index.producer.get(v);
    if (!node) continue;
    if (formatShape(dense.values.get(v)?.shape) !== formatShape(pruned.values.get(v)?.shape)) {
      const upstreamChanged = node.inputs.some(
        (i) =>
          i &&
          index.producer.has(i) &&
          formatShape(dense.values.get(i)?.shape) !== formatShape(pruned.values.get(i)?.shape),
      );
      if (!upstreamChanged) return `${node.opType} '${node.name}'`;
    }
    queue.push(...node.inputs.filter(Boolean));
  }
  return undefined;
}

/** The dense broadcasts of `b`'s op with its input ranks, as one signature (their axes together). */
function likeIt(dense: readonly BroadcastSignature[], b: BroadcastSignature): BroadcastSignature | undefined {
  const ranks = (x: BroadcastSignature) => x.inputs.map((i) => i.shape?.length ?? -1).join();
  const same = dense.filter((d) => d.op === b.op && ranks(d) === ranks(b));
  return same.length ? { ...same[0], axes: same.flatMap((d) => d.axes) } : undefined;
}

function signature(b: BroadcastSignature) {
  return { inputs: b.inputs.map((i) => ({ name: i.name, shape: i.shape })), axes: b.axes };
}
