/**
 * Channels at a subgraph boundary. An `If`'s outputs come from its branches, a `Loop`/`Scan`'s
 * inputs and outputs are its body's, and any value may be read inside a subgraph without being an
 * input. The pruner does not follow channels across that boundary: the reasons below say exactly
 * which value meets which subgraph, so the blocked group is explained, never silently skipped.
 */
import { subgraphsOf } from '../ir/scopes.js';
import type { Node } from '../ir/types.js';
import type { Port } from '../ops/channel-rule.js';

const label = (node: Node) => `${node.opType} ${node.name || node.outputs[0] || ''}`;

/** Why channels stop at port `port` of a node with subgraphs. */
export function boundaryReason(node: Node, port: Port): string {
  const subs = subgraphsOf(node);
  const names = subs.map(([attr]) => attr).join(', ');
  if (port.io === 'out') {
    const from = subs
      .map(([attr, g]) => `${attr}'s ${g.outputs[outputSlot(node, port.slot)]?.name ?? '?'}`)
      .join(' or ');
    return `${label(node)}: output ${port.slot} comes from ${from}; channels are not followed across a subgraph boundary`;
  }
  const role = node.opType === 'If' && port.slot === 0 ? 'its condition' : `input ${port.slot}, read by its ${names}`;
  return `${label(node)}: ${node.inputs[port.slot]} is ${role}; channels are not followed across a subgraph boundary`;
}

/** Why channels stop at a value read inside the node's subgraphs (not one of its inputs). */
export function implicitUseReason(node: Node, value: string): string {
  return `${label(node)}: ${value} is read inside its ${subgraphsOf(node)
    .map(([attr]) => attr)
    .join('/')}; channels are not followed across a subgraph boundary`;
}

/** Body output feeding node output `slot`: Loop/Scan bodies list the condition first, If branches do not. */
function outputSlot(node: Node, slot: number): number {
  return node.opType === 'Loop' ? slot + 1 : slot;
}
