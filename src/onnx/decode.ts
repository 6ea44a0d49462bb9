/**
 * ModelProto bytes -> graph IR, in one pass over the wire format. Fields the IR models are
 * decoded; every other field (of this schema or a newer one) is kept as its encoded bytes in
 * the IR's `extra`/`rawType` and written back by `encode.ts`, so nothing is lost on a round trip.
 */
import { tryDtypeFromOnnx } from '../ir/dtype-codes.js';
import type { Attribute, Dim, Graph, Model, Node, Tensor, ValueInfo } from '../ir/types.js';
import { decodeTensor, readEntry, type TensorContext } from './tensor-decode.js';
import { OpaqueCollector } from './wire/opaque.js';
import { Reader, readRepeated } from './wire/reader.js';

/** Field numbers of onnx.proto (current schema), for the fields the IR models. */
export const F = {
  model: {
    irVersion: 1,
    producerName: 2,
    producerVersion: 3,
    domain: 4,
    modelVersion: 5,
    docString: 6,
    graph: 7,
    opsetImport: 8,
    metadataProps: 14,
  },
  graph: { node: 1, name: 2, initializer: 5, docString: 10, input: 11, output: 12, valueInfo: 13 },
  node: { input: 1, output: 2, name: 3, opType: 4, attribute: 5, docString: 6, domain: 7 },
  attr: { name: 1, f: 2, i: 3, s: 4, t: 5, g: 6, floats: 7, ints: 8, strings: 9, tensors: 10, type: 20 },
  valueInfo: { name: 1, type: 2, docString: 3 },
} as const;

export function decodeModel(r: Reader, ctx: TensorContext): Model & { hasGraph: boolean } {
  const m: Model & { hasGraph: boolean } = {
    graph: emptyGraph(),
    irVersion: 0,
    opsetImports: [],
    producerName: '',
    producerVersion: '',
    domain: '',
    modelVersion: 0,
    docString: '',
    metadata: [],
    hasGraph: false,
  };
  const extra = new OpaqueCollector();
  const M = F.model;
  while (!r.done) {
    const start = r.pos;
    const [field, wire] = r.tag();
    switch (field) {
      case M.irVersion:
        m.irVersion = r.int64Number();
        break;
      case M.producerName:
        m.producerName = r.string();
        break;
      case M.producerVersion:
        m.producerVersion = r.string();
        break;
      case M.domain:
        m.domain = r.string();
        break;
      case M.modelVersion:
        m.modelVersion = r.int64Number();
        break;
      case M.docString:
        m.docString = r.string();
        break;
      case M.graph:
        m.graph = decodeGraph(r.message(), ctx);
        m.hasGraph = true;
        break;
      case M.opsetImport:
        m.opsetImports.push(decodeOpset(r.message()));
        break;
      case M.metadataProps:
        m.metadata.push(readEntry(r.message()));
        break;
      default:
        extra.keep(r, start, wire);
    }
  }
  const opaque = extra.result();
  if (opaque) m.extra = opaque;
  return m;
}

function emptyGraph(): Graph {
  return { name: '', nodes: [], inputs: [], outputs: [], initializers: new Map(), valueInfo: [] };
}

function decodeOpset(r: Reader): { domain: string; version: number } {
  let domain = '',
    version = 0;
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field === 1) domain = r.string();
    else if (field === 2) version = r.int64Number();
    else r.skip(wire);
  }
  return { domain, version };
}

export function decodeGraph(r: Reader, ctx: TensorContext): Graph {
  const g = emptyGraph();
  const extra = new OpaqueCollector();
  const G = F.graph;
  while (!r.done) {
    const start = r.pos;
    const [field, wire] = r.tag();
    switch (field) {
      case G.node:
        g.nodes.push(decodeNode(r.message(), ctx));
        break;
      case G.name:
        g.name = r.string();
        break;
      case G.initializer: {
        const { name, tensor } = decodeTensor(r.message(), ctx);
        g.initializers.set(name, tensor);
        break;
      }
      case G.docString:
        g.docString = r.string();
        break;
      case G.input:
        g.inputs.push(decodeValueInfo(r.message()));
        break;
      case G.output:
        g.outputs.push(decodeValueInfo(r.message()));
        break;
      case G.valueInfo:
        g.valueInfo.push(decodeValueInfo(r.message()));
        break;
      default:
        extra.keep(r, start, wire);
    }
  }
  const opaque = extra.result();
  if (opaque) g.extra = opaque;
  return g;
}

function decodeNode(r: Reader, ctx: TensorContext): Node {
  const n: Node = { name: '', opType: '', domain: '', inputs: [], outputs: [], attributes: [] };
  const extra = new OpaqueCollector();
  const N = F.node;
  while (!r.done) {
    const start = r.pos;
    const [field, wire] = r.tag();
    switch (field) {
      case N.input:
        n.inputs.push(r.string());
        break;
      case N.output:
        n.outputs.push(r.string());
        break;
      case N.name:
        n.name = r.string();
        break;
      case N.opType:
        n.opType = r.string();
        break;
      case N.attribute: {
        // A graph attribute (If branch, Loop/Scan body) is decoded into `subgraphs`; the attribute stays in place
        // without it.
        const { attribute, graph } = decodeAttribute(r.message(), ctx);
        n.attributes.push(attribute);
        if (graph) (n.subgraphs ??= {})[attribute.name] = graph;
        break;
      }
      case N.docString:
        n.docString = r.string();
        break;
      case N.domain:
        n.domain = r.string();
        break;
      default:
        extra.keep(r, start, wire);
    }
  }
  const opaque = extra.result();
  if (opaque) n.extra = opaque;
  return n;
}

function decodeAttribute(r: Reader, ctx: TensorContext): { attribute: Attribute; graph?: Graph } {
  const a: Attribute = { name: '', type: 0 };
  let graph: Graph | undefined;
  const extra = new OpaqueCollector();
  const A = F.attr;
  while (!r.done) {
    const start = r.pos;
    const [field, wire] = r.tag();
    switch (field) {
      case A.name:
        a.name = r.string();
        break;
      case A.f:
        a.f = r.float();
        break;
      case A.i:
        a.i = r.int64();
        break;
      case A.s:
        a.s = new Uint8Array(r.bytes());
        break;
      // A Constant node's tensor resolves external data like an initializer does.
      case A.t:
        a.t = decodeTensor(r.message(), ctx).tensor;
        break;
      case A.g:
        graph = decodeGraph(r.message(), ctx);
        break;
      case A.floats:
        readRepeated(r, wire, (x) => x.float(), (a.floats ??= []));
        break;
      case A.ints:
        readRepeated(r, wire, (x) => x.int64(), (a.ints ??= []));
        break;
      case A.strings:
        (a.strings ??= []).push(new Uint8Array(r.bytes()));
        break;
      case A.tensors:
        (a.tensors ??= []).push(decodeTensor(r.message(), ctx).tensor as Tensor);
        break;
      case A.type:
        a.type = r.uint32();
        break;
      default:
        extra.keep(r, start, wire);
    }
  }
  const opaque = extra.result();
  if (opaque) a.extra = opaque;
  return graph ? { attribute: a, graph } : { attribute: a };
}

function decodeValueInfo(r: Reader): ValueInfo {
  const v: ValueInfo = { name: '' };
  const extra = new OpaqueCollector();
  const V = F.valueInfo;
  while (!r.done) {
    const start = r.pos;
    const [field, wire] = r.tag();
    switch (field) {
      case V.name:
        v.name = r.string();
        break;
      case V.type: {
        const bytes = r.bytes();
        const t = decodeTensorType(new Reader(bytes));
        if (t.dtype !== undefined) v.dtype = t.dtype;
        if (t.shape) v.shape = t.shape;
        if (!t.plain) v.rawType = new Uint8Array(bytes);
        break;
      }
      case V.docString:
        v.docString = r.string();
        break;
      default:
        extra.keep(r, start, wire);
    }
  }
  const opaque = extra.result();
  if (opaque) v.extra = opaque;
  return v;
}

/**
 * dtype and shape of a TypeProto's tensor_type; `plain` when that is all it says (else the
 * whole TypeProto is kept as rawType: sequences, maps, denotations...).
 */
export function decodeTensorType(r: Reader): {
  dtype?: ReturnType<typeof tryDtypeFromOnnx>;
  shape?: Dim[];
  plain: boolean;
} {
  let plain = true,
    isTensor = false,
    elemType: number | undefined,
    shape: Dim[] | undefined;
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field !== 1 || isTensor) {
      plain = false;
      r.skip(wire);
      continue;
    }
    isTensor = true;
    const t = r.message();
    while (!t.done) {
      const [tf, tw] = t.tag();
      if (tf === 1) elemType = t.uint32();
      else if (tf === 2) {
        const s = t.message();
        shape = [];
        while (!s.done) {
          const [sf, sw] = s.tag();
          if (sf !== 1) {
            plain = false;
            s.skip(sw);
            continue;
          }
          const d = s.message();
          let dim: Dim = null;
          while (!d.done) {
            const [df, dw] = d.tag();
            if (df === 1) {
              const v = d.int64();
              dim = typeof v === 'number' ? v : null;
              if (typeof v !== 'number') plain = false;
            } else if (df === 2) dim = d.string();
            else {
              plain = false;
              d.skip(dw);
            }
          }
          shape.push(dim);
        }
      } else {
        plain = false;
        t.skip(tw);
      }
    }
  }
  if (!isTensor || elemType === undefined) plain = false;
  const dtype = tryDtypeFromOnnx(elemType);
  if (elemType !== undefined && dtype === undefined) plain = false;
  return { ...(dtype !== undefined ? { dtype } : {}), ...(shape ? { shape } : {}), plain };
}
