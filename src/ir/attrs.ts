/**
 * Typed access to node attributes. An attribute the harness never touches is saved as it came
 * (fields the IR does not model travel in its `extra`).
 */
import { AttrType as T, type Attribute, type Node, type Tensor } from './types.js';

function find(node: Node, name: string): Attribute | undefined {
  return node.attributes.find((a) => a.name === name);
}

/** int64 attribute values past 2^53 are bigints; as numbers they round (callers wanting exact values read `.i`). */
function num(v: number | bigint): number {
  return typeof v === 'number' ? v : Number(v);
}

export function hasAttr(node: Node, name: string): boolean {
  return find(node, name) !== undefined;
}

export function attrInt(node: Node, name: string): number | undefined;
export function attrInt(node: Node, name: string, fallback: number): number;
export function attrInt(node: Node, name: string, fallback?: number): number | undefined {
  const a = find(node, name);
  return a?.i !== undefined && a.i !== null ? num(a.i) : fallback;
}

export function attrFloat(node: Node, name: string): number | undefined;
export function attrFloat(node: Node, name: string, fallback: number): number;
export function attrFloat(node: Node, name: string, fallback?: number): number | undefined {
  const a = find(node, name);
  return a?.f !== undefined && a.f !== null ? a.f : fallback;
}

export function attrInts(node: Node, name: string): number[] | undefined {
  const a = find(node, name);
  return a?.ints ? a.ints.map(num) : undefined;
}

export function attrFloats(node: Node, name: string): number[] | undefined {
  const a = find(node, name);
  return a?.floats ? [...a.floats] : undefined;
}

export function attrString(node: Node, name: string): string | undefined {
  const a = find(node, name);
  return a?.s ? new TextDecoder().decode(a.s) : undefined;
}

export function attrTensor(node: Node, name: string): Tensor | undefined {
  const a = find(node, name);
  return a?.t;
}

function put(node: Node, attr: Attribute): void {
  const i = node.attributes.findIndex((a) => a.name === attr.name);
  if (i >= 0) node.attributes[i] = attr;
  else node.attributes.push(attr);
}

export function setAttrInt(node: Node, name: string, value: number): void {
  put(node, { name, type: T.INT, i: value });
}

export function setAttrInts(node: Node, name: string, value: readonly number[]): void {
  put(node, { name, type: T.INTS, ints: [...value] });
}

export function setAttrFloat(node: Node, name: string, value: number): void {
  put(node, { name, type: T.FLOAT, f: value });
}

export function setAttrFloats(node: Node, name: string, value: readonly number[]): void {
  put(node, { name, type: T.FLOATS, floats: [...value] });
}

export function setAttrString(node: Node, name: string, value: string): void {
  put(node, { name, type: T.STRING, s: new TextEncoder().encode(value) });
}

export function setAttrTensor(node: Node, name: string, value: Tensor): void {
  put(node, { name, type: T.TENSOR, t: value });
}

export function removeAttr(node: Node, name: string): void {
  node.attributes = node.attributes.filter((a) => a.name !== name);
}
