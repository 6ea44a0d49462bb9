/**
 * Ops that carry every axis through unchanged (activations, casts, Dropout,
 * Identity, Clip...): input 0 axis a ↔ output 0 axis a. Extra inputs (Clip's
 * min/max, Dropout's ratio) are scalars and carry no channels.
 */
import { blocked, identity, type OpRule, type Port, type RuleResult } from '../channel-rule.js';

function carry(port: Port): RuleResult {
  if (port.io === 'in' && port.slot !== 0) return blocked(`input ${port.slot} is not the data input`);
  if (port.io === 'out' && port.slot !== 0 && port.slot !== 1)
    return blocked(`output ${port.slot} does not carry channels`);
  // Dropout's optional mask output has the data's shape: it carries the channels too.
  const links = [
    { io: 'in' as const, slot: 0, axis: port.axis, map: identity },
    { io: 'out' as const, slot: 0, axis: port.axis, map: identity },
  ];
  return { links: links.filter((l) => !(l.io === port.io && l.slot === port.slot)) };
}

export const unaryRule: OpRule = {
  links: (_ctx, port) => carry(port),
};
