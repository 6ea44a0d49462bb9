/**
 * Channels across a subgraph boundary. Inside a flat view (`ir/flat-scopes.ts`) a value read in a
 * branch is the outer value itself, so reads need nothing here; what does is the values a
 * control-flow node passes *by position*:
 *
 * - `If`: output k is then_branch's output k or else_branch's output k. The three carry the same
 *   channels, so both branches prune alike.
 * - `Loop`: carried value i is the initial input i+2, the body's input i+2, the body's output i+1
 *   (the next iteration's input) and the final output i, all one channel space; scan output k of the
 *   body is stacked into output N+k along a new first axis.
 * - `Scan` (opset >= 9): state i is input i, body input i, body output i and output i; scan input j
 *   is sliced along its scan axis into body input N+j, and body scan output k is stacked into
 *   output N+k along its scan output axis.
 *
 * Each such set of values is a *coupling*; its members differ at most by one inserted axis (the
 * iteration axis). Everything else at a control-flow node (an If condition, a Loop's trip count and
 * condition, the iteration axis) blocks with the node and the reason.
 */
import { attrInt, attrInts } from '../ir/attrs.js';
import { subgraphsOf } from '../ir/scopes.js';
import type { Model, Node } from '../ir/types.js';
import { defaultOpset } from '../ir/types.js';
import type { Port } from '../ops/channel-rule.js';

/** One value of a coupling; `inserted`: its axis that the others lack (the iteration axis), if any. */
export interface CouplingMember {
  value: string;
  inserted?: number;
}

export interface Coupling {
  node: Node;
  /** What the members are, for reasons: "carried value 0". */
  role: string;
  members: CouplingMember[];
}

/** For each value, the couplings it belongs to. */
export type Couplings = Map<string, Coupling[]>;

const label = (node: Node) => `${node.opType} ${node.name || node.outputs[0] || ''}`;

const norm = (axis: number, rank: number | undefined) => (axis < 0 && rank !== undefined ? axis + rank : axis);

/** The couplings of every control-flow node of `model` (a flat view: nodes of every scope). */
export function couplingsOf(model: Model, rank: (value: string) => number | undefined): Couplings {
  const out: Couplings = new Map();
  const add = (node: Node, role: string, members: (CouplingMember | undefined)[]) => {
    const present = members.filter((m): m is CouplingMember => !!m?.value);
    if (present.length < 2) return;
    const c: Coupling = { node, role, members: present };
    for (const m of present) {
      const list = out.get(m.value);
      if (list) list.push(c);
      else out.set(m.value, [c]);
    }
  };
  const opset = defaultOpset(model);
  for (const node of model.graph.nodes) {
    if (!node.subgraphs || (node.domain !== '' && node.domain !== 'ai.onnx')) continue;
    const subs = node.subgraphs;
    const m = (value: string | undefined, inserted?: number): CouplingMember | undefined =>
      value === undefined ? undefined : inserted === undefined ? { value } : { value, inserted };
    if (node.opType === 'If' && subs.then_branch && subs.else_branch) {
      node.outputs.forEach((o, k) =>
        add(node, `output ${k}`, [m(o), m(subs.then_branch.outputs[k]?.name), m(subs.else_branch.outputs[k]?.name)]),
      );
    } else if (node.opType === 'Loop' && subs.body) {
      const body = subs.body;
      const n = node.inputs.length - 2;
      for (let i = 0; i < n; i++)
        add(node, `carried value ${i}`, [
          m(node.inputs[i + 2]),
          m(body.inputs[i + 2]?.name),
          m(body.outputs[i + 1]?.name),
          m(node.outputs[i]),
        ]);
      for (let k = 0; k + n < node.outputs.length; k++)
        add(node, `scan output ${k}`, [m(body.outputs[1 + n + k]?.name), m(node.outputs[n + k], 0)]);
    } else if (node.opType === 'Scan' && subs.body && opset >= 9) {
      const body = subs.body;
      const scans = attrInt(node, 'num_scan_inputs') ?? 0;
      const n = node.inputs.length - scans;
      const inAxes = attrInts(node, 'scan_input_axes') ?? [];
      const outAxes = attrInts(node, 'scan_output_axes') ?? [];
      for (let i = 0; i < n; i++)
        add(node, `state ${i}`, [
          m(node.inputs[i]),
          m(body.inputs[i]?.name),
          m(body.outputs[i]?.name),
          m(node.outputs[i]),
        ]);
      for (let j = 0; j < scans; j++) {
        const outer = node.inputs[n + j];
        add(node, `scan input ${j}`, [
          m(outer, norm(Number(inAxes[j] ?? 0), rank(outer))),
          m(body.inputs[n + j]?.name),
        ]);
      }
      for (let k = 0; k + n < node.outputs.length; k++) {
        const outer = node.outputs[n + k];
        add(node, `scan output ${k}`, [
          m(body.outputs[n + k]?.name),
          m(outer, norm(Number(outAxes[k] ?? 0), rank(outer))),
        ]);
      }
    }
  }
  return out;
}

/** The same channels in the other members of `c`, from axis `axis` of member `from`; a reason when there are none. */
export function coupledAxes(
  c: Coupling,
  from: CouplingMember,
  axis: number,
): { value: string; axis: number }[] | string {
  if (from.inserted !== undefined && axis === from.inserted)
    return `${label(c.node)}: axis ${axis} of ${from.value} is the iteration axis of its ${c.role}`;
  const shared = from.inserted !== undefined && axis > from.inserted ? axis - 1 : axis;
  return c.members
    .filter((m) => m !== from)
    .map((m) => ({ value: m.value, axis: m.inserted !== undefined && shared >= m.inserted ? shared + 1 : shared }));
}

/** Why channels stop at port `port` of a node with subgraphs (a value the node does not pass on by position). */
export function boundaryReason(node: Node, port: Port): string {
  const subs = subgraphsOf(node);
  const names = subs.map(([attr]) => attr).join(', ');
  if (port.io === 'out')
    return `${label(node)}: output ${port.slot} is not passed from its ${names} by position; channels stop here`;
  const role =
    node.opType === 'If' && port.slot === 0
      ? 'its condition'
      : node.opType === 'Loop' && port.slot < 2
        ? port.slot === 0
          ? 'its trip count'
          : 'its loop condition'
        : `input ${port.slot}, not passed to its ${names} by position`;
  const version = node.opType === 'Scan' ? ' (Scan before opset 9 is not followed)' : '';
  return `${label(node)}: ${node.inputs[port.slot]} is ${role}${version}; channels stop here`;
}

/** True when `value` is one of the members `node` passes by position. */
export function isCoupled(couplings: Couplings, node: Node, value: string): boolean {
  return (couplings.get(value) ?? []).some((c) => c.node === node);
}

/** Why channels stop at a value read inside the node's subgraphs, when the model is analysed without a flat view. */
export function implicitUseReason(node: Node, value: string): string {
  return `${label(node)}: ${value} is read inside its ${subgraphsOf(node)
    .map(([attr]) => attr)
    .join('/')}; channels are not followed across a subgraph boundary`;
}
