/**
 * Graph IR -> ModelProto, written into a `Writer` (see wire/writer.ts): tensor bytes are
 * referenced, never copied, so a model of any size is written in streaming fashion. Fields the
 * IR keeps opaque are written back in field-number order among the modeled ones.
 */
import { dtypeToOnnx } from '../ir/dtype-codes.js';
import {
  AttrType,
  type Attribute,
  type Graph,
  type Model,
  type Node,
  type Tensor,
  type ValueInfo,
} from '../ir/types.js';
import { F, decodeTensorType } from './decode.js';
import { encodeTensor, type TensorPlacement } from './tensor-encode.js';
import { OpaqueWriter } from './wire/opaque.js';
import { Reader, WIRE } from './wire/reader.js';
import { Writer } from './wire/writer.js';

/** Where each tensor goes; tensors not listed are written inline. */
export type Placements = Map<Tensor, TensorPlacement>;

export function encodeModel(model: Model, placements: Placements = new Map()): Writer {
  const w = new Writer();
  const o = new OpaqueWriter(w, model.extra);
  const M = F.model;
  o.before(M.irVersion).tag(M.irVersion, WIRE.varint).varint(model.irVersion);
  // Empty fields stay absent (as exporters leave them) so a round trip does not grow the proto.
  if (model.producerName) o.before(M.producerName).string(M.producerName, model.producerName);
  if (model.producerVersion) o.before(M.producerVersion).string(M.producerVersion, model.producerVersion);
  if (model.domain) o.before(M.domain).string(M.domain, model.domain);
  if (model.modelVersion) o.before(M.modelVersion).tag(M.modelVersion, WIRE.varint).varint(model.modelVersion);
  if (model.docString) o.before(M.docString).string(M.docString, model.docString);
  o.before(M.graph).message(M.graph, (g) => encodeGraph(g, model.graph, placements));
  for (const op of model.opsetImports) {
    o.before(M.opsetImport).message(M.opsetImport, (e) => {
      if (op.domain) e.string(1, op.domain);
      e.tag(2, WIRE.varint).varint(op.version);
    });
  }
  for (const m of model.metadata)
    o.before(M.metadataProps).message(M.metadataProps, (e) => e.string(1, m.key).string(2, m.value));
  o.end();
  return w.flush();
}

export function encodeGraph(w: Writer, g: Graph, placements: Placements = new Map()): void {
  const o = new OpaqueWriter(w, g.extra);
  const G = F.graph;
  for (const n of g.nodes) o.before(G.node).message(G.node, (e) => encodeNode(e, n, placements));
  o.before(G.name).string(G.name, g.name);
  for (const [name, t] of g.initializers)
    o.before(G.initializer).message(G.initializer, (e) => encodeTensor(e, t, name, placements.get(t)));
  if (g.docString) o.before(G.docString).string(G.docString, g.docString);
  for (const v of g.inputs) o.before(G.input).message(G.input, (e) => encodeValueInfo(e, v));
  for (const v of g.outputs) o.before(G.output).message(G.output, (e) => encodeValueInfo(e, v));
  for (const v of g.valueInfo) o.before(G.valueInfo).message(G.valueInfo, (e) => encodeValueInfo(e, v));
  o.end();
}

function encodeNode(w: Writer, n: Node, placements: Placements): void {
  const o = new OpaqueWriter(w, n.extra);
  const N = F.node;
  for (const i of n.inputs) o.before(N.input).string(N.input, i);
  for (const i of n.outputs) o.before(N.output).string(N.output, i);
  // An unnamed node (common inside If/Loop subgraphs) is written without the field, as it was read.
  if (n.name) o.before(N.name).string(N.name, n.name);
  o.before(N.opType).string(N.opType, n.opType);
  const subs = n.subgraphs ?? {};
  for (const a of n.attributes)
    o.before(N.attribute).message(N.attribute, (e) => encodeAttribute(e, a, placements, subs[a.name]));
  // Subgraphs made in the IR (the builder's If) have no attribute yet.
  for (const [name, g] of Object.entries(subs)) {
    if (!n.attributes.some((a) => a.name === name))
      o.before(N.attribute).message(N.attribute, (e) =>
        encodeAttribute(e, { name, type: AttrType.GRAPH }, placements, g),
      );
  }
  if (n.docString) o.before(N.docString).string(N.docString, n.docString);
  if (n.domain) o.before(N.domain).string(N.domain, n.domain);
  o.end();
}

function encodeAttribute(w: Writer, a: Attribute, placements: Placements, graph?: Graph): void {
  const o = new OpaqueWriter(w, a.extra);
  const A = F.attr;
  o.before(A.name).string(A.name, a.name);
  if (a.f !== undefined) o.before(A.f).tag(A.f, WIRE.fixed32).float(a.f);
  if (a.i !== undefined) o.before(A.i).tag(A.i, WIRE.varint).varint(a.i);
  if (a.s !== undefined) o.before(A.s).bytes(A.s, a.s);
  if (a.t !== undefined) o.before(A.t).message(A.t, (e) => encodeTensor(e, a.t!, undefined, placements.get(a.t!)));
  if (graph !== undefined) o.before(A.g).message(A.g, (e) => encodeGraph(e, graph, placements));
  // proto2 `repeated` without [packed=true]: one tag per value, as onnx writes them.
  for (const v of a.floats ?? []) o.before(A.floats).tag(A.floats, WIRE.fixed32).float(v);
  for (const v of a.ints ?? []) o.before(A.ints).tag(A.ints, WIRE.varint).varint(v);
  for (const v of a.strings ?? []) o.before(A.strings).bytes(A.strings, v);
  for (const t of a.tensors ?? [])
    o.before(A.tensors).message(A.tensors, (e) => encodeTensor(e, t, undefined, placements.get(t)));
  if (a.type) o.before(A.type).tag(A.type, WIRE.varint).varint(a.type);
  o.end();
}

export function encodeValueInfo(w: Writer, v: ValueInfo): void {
  const o = new OpaqueWriter(w, v.extra);
  const V = F.valueInfo;
  o.before(V.name).string(V.name, v.name);
  if (v.rawType && rawTypeStillMatches(v)) o.before(V.type).bytes(V.type, v.rawType);
  else if (v.dtype) o.before(V.type).message(V.type, (t) => t.message(1, (tt) => encodeTensorType(tt, v)));
  if (v.docString) o.before(V.docString).string(V.docString, v.docString);
  o.end();
}

/** A kept TypeProto is written only while it still says the dtype and shape the IR holds now. */
function rawTypeStillMatches(v: ValueInfo): boolean {
  const t = decodeTensorType(new Reader(v.rawType!));
  return t.dtype === v.dtype && JSON.stringify(t.shape) === JSON.stringify(v.shape);
}

function encodeTensorType(w: Writer, v: ValueInfo): void {
  w.tag(1, WIRE.varint).varint(dtypeToOnnx(v.dtype!));
  if (!v.shape) return;
  w.message(2, (s) => {
    for (const d of v.shape!) {
      s.message(1, (e) => {
        if (typeof d === 'number') e.tag(1, WIRE.varint).varint(d);
        else if (typeof d === 'string') e.string(2, d);
      });
    }
  });
}
