/** How messages name a node: its name, else its first output, else its op. */
import type { Node } from './types.js';

/** The node's name, else its first output, else its op type. */
export function nodeLabel(node: Node): string {
  return node.name || node.outputs[0] || node.opType;
}

/** A node as reasons name it: "Conv conv1". */
export const opLabel = (node: Node): string => `${node.opType} ${nodeLabel(node)}`;
