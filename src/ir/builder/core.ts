/**
 * Builder core: value handles, readable unique naming, seeded weights, constants
 * (as initializers or as `Constant` nodes, the way exporters write them) and
 * `build()`. Op families live in their own files and only use this surface.
 */
import { fromNumbers } from '../tensor.js';
import type { Dim, DType, Graph, Model, Node, Tensor, ValueInfo } from '../types.js';
import { fail, type Shape } from './dims.js';
import { Rng } from './rng.js';
import { irVersionFor, toAttr, type AttrValue } from './encode.js';

export { f, irVersionFor, type AttrValue } from './encode.js';

/** A value in the graph under construction: its name, dtype and the shape the builder tracked. */
export interface Value {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: Shape;
}

export interface BuilderOptions {
  /** Graph name (default 'pruneguard'). */
  name?: string;
  /** Default-domain opset (default 17). */
  opset?: number;
  /** Weight PRNG seed (default 0). */
  seed?: number;
  /** Where constants (weights, shapes, axes) go: initializers (default) or `Constant` nodes as exporters write them. */
  constants?: 'initializer' | 'constant-node';
  /** Emit graph.valueInfo for every intermediate value with the tracked shape (default false). */
  valueInfo?: boolean;
}

/** How to fill a weight: PyTorch-like fan-in uniform, fixed, a range, or explicit values. */
export type Init = { fanIn: number } | { uniform: [number, number] } | { fill: number } | { values: readonly number[] };

export class BuilderCore {
  readonly opset: number;
  readonly rng: Rng;
  protected readonly options: BuilderOptions;
  private readonly nodes: Node[] = [];
  private readonly initializers = new Map<string, Tensor>();
  /** Initializers a subgraph took (capture's `ownWeights`): not main-graph values. */
  private readonly subgraphWeights = new Set<string>();
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly values = new Map<string, Value>();
  private readonly nodeNames = new Set<string>();
  private readonly counters = new Map<string, number>();
  private scope = '';
  /** Renamed outputs: old value name → new name. */
  private readonly aliases = new Map<string, string>();

  constructor(options: BuilderOptions = {}) {
    this.options = options;
    this.opset = options.opset ?? 17;
    if (!Number.isInteger(this.opset) || this.opset < 11 || this.opset > 22)
      fail(`opset must be an integer in 11..22, got ${this.opset}`);
    this.rng = new Rng(options.seed ?? 0);
  }

  /** Declares a graph input. Dims: numbers or symbols like 'batch'. */
  input(name: string, dtype: DType, shape: readonly (number | string)[]): Value {
    this.claimValue(name);
    const v: Value = { name, dtype, shape: [...shape] };
    this.values.set(name, v);
    this.inputs.push({ name, dtype, shape: [...shape] });
    return v;
  }

  /**
   * Marks a value as a graph output. With `name`, the producing node's output is
   * renamed (as exporters name outputs); graph inputs, constants and values that
   * are already outputs get an Identity instead. Old handles stay usable.
   */
  output(v: Value, name?: string): Value {
    const current = this.resolve(v.name);
    let out: Value = { ...v, name: current };
    if (name !== undefined && name !== current) {
      const producer = this.nodes.find((n) => n.outputs.includes(current));
      const isOutput = this.outputs.some((o) => o.name === current);
      if (!producer || producer.opType === 'Constant' || isOutput) {
        out = this.node('Identity', [out], {
          name: this.nodeName('identity'),
          outputs: [{ dtype: v.dtype, shape: v.shape }],
        })[0];
      }
      this.rename(out.name, name);
      out = { ...out, name };
    }
    if (this.outputs.some((o) => o.name === out.name)) fail(`output '${out.name}' is already a graph output`);
    this.outputs.push({ name: out.name, dtype: out.dtype, shape: [...out.shape] });
    return out;
  }

  /** Renames a node-produced value everywhere (past and future uses). */
  private rename(from: string, to: string): void {
    if (this.values.has(to)) fail(`output name '${to}' is already a value in this graph`);
    for (const n of this.nodes) {
      n.inputs = n.inputs.map((i) => (i === from ? to : i));
      n.outputs = n.outputs.map((o) => (o === from ? to : o));
    }
    const v = this.values.get(from)!;
    this.values.delete(from);
    this.values.set(to, { ...v, name: to });
    this.aliases.set(from, to);
  }

  private resolve(name: string): string {
    let n = name;
    while (this.aliases.has(n)) n = this.aliases.get(n)!;
    return n;
  }

  /** Every value the builder knows, with its tracked shape (usable by printGraph). */
  shapes(): Map<string, Value> {
    return new Map(this.values);
  }

  build(): Model {
    if (this.outputs.length === 0) fail('build(): the graph has no outputs; call output(value) first');
    const declared = new Set([...this.inputs, ...this.outputs].map((v) => v.name));
    const valueInfo = this.options.valueInfo
      ? [...this.values.values()]
          .filter((v) => !declared.has(v.name) && !this.initializers.has(v.name) && !this.subgraphWeights.has(v.name))
          .map((v) => ({ name: v.name, dtype: v.dtype, shape: [...v.shape] }))
      : [];
    return {
      graph: {
        name: this.options.name ?? 'pruneguard',
        nodes: this.nodes.map((n) => ({
          ...n,
          inputs: [...n.inputs],
          outputs: [...n.outputs],
          attributes: [...n.attributes],
        })),
        inputs: this.inputs.map((v) => ({ ...v, shape: [...v.shape!] })),
        outputs: this.outputs.map((v) => ({ ...v, shape: [...v.shape!] })),
        initializers: new Map(this.initializers),
        valueInfo,
      },
      irVersion: irVersionFor(this.opset),
      // Other domains the nodes use (com.microsoft's fused ops) at version 1.
      opsetImports: [
        { domain: '', version: this.opset },
        ...[...new Set(this.nodes.map((n) => n.domain).filter((d) => d !== '' && d !== 'ai.onnx'))].map((domain) => ({
          domain,
          version: 1,
        })),
      ],
      producerName: 'pruneguard-builder',
      producerVersion: '0.1.0',
      domain: '',
      modelVersion: 1,
      docString: '',
      metadata: [],
    };
  }

  // ---- low-level surface used by the op files ----

  /** Runs `fn` with new node names prefixed by `owner.` (owner is a full node name, e.g. `attn1` → `attn1.q_proj`). */
  scoped<T>(owner: string, fn: () => T): T {
    const saved = this.scope;
    this.scope = owner;
    try {
      return fn();
    } finally {
      this.scope = saved;
    }
  }

  /** A unique readable node name: `explicit` or numbered after `kind`, prefixed by the current scope. */
  nodeName(kind: string, explicit?: string): string {
    const scope = this.scope;
    let base = explicit;
    if (base === undefined) {
      const key = `${scope}/${kind}`;
      do {
        const n = (this.counters.get(key) ?? 0) + 1;
        this.counters.set(key, n);
        // Top level: conv1, conv2 ...; inside a block, as PyTorch names them: attn1.matmul, attn1.matmul_1 ...
        if (scope) base = n === 1 ? kind : `${kind}_${n - 1}`;
        else base = /\d$/.test(kind) ? `${kind}_${n}` : `${kind}${n}`;
      } while (this.taken(scope ? `${scope}.${base}` : base));
    }
    const full = scope ? `${scope}.${base}` : base;
    if (this.taken(full)) fail(`name '${full}' is already used in this graph`);
    return full;
  }

  /**
   * Adds a node. The name is used as is (get one from nodeName()); single outputs
   * are named after the node, several outputs `${name}.0`, `${name}.1`...
   */
  node(
    opType: string,
    inputs: readonly (Value | string)[],
    spec: {
      name: string;
      outputs: { dtype: DType; shape: Shape }[];
      attrs?: Record<string, AttrValue | undefined>;
      domain?: string;
      subgraphs?: Record<string, Graph>;
    },
  ): Value[] {
    const { name, outputs } = spec;
    const outNames = outputs.length === 1 ? [name] : outputs.map((_, i) => `${name}.${i}`);
    this.nodeNames.add(name);
    const attributes = Object.entries(spec.attrs ?? {})
      .filter((e): e is [string, AttrValue] => e[1] !== undefined)
      .map(([k, v]) => toAttr(k, v));
    const node: Node = {
      name,
      opType,
      domain: spec.domain ?? '',
      inputs: inputs.map((i) => this.resolve(typeof i === 'string' ? i : i.name)),
      outputs: outNames,
      attributes,
    };
    if (spec.subgraphs) node.subgraphs = spec.subgraphs;
    this.nodes.push(node);
    return outputs.map((o, i) => {
      this.claimValue(outNames[i]);
      const v: Value = { name: outNames[i], dtype: o.dtype, shape: [...o.shape] };
      this.values.set(v.name, v);
      return v;
    });
  }

  /**
   * Runs `fn` and takes the nodes it added out of the graph (except those `stay` keeps): they become
   * a subgraph's nodes (see control-flow.ts). Values, weights and names it made stay known, so weights remain
   * main-graph initializers the subgraph reads from the enclosing scope, as exporters write them; with `ownWeights` the
   * initializers it made are taken out too and returned (the subgraph holds them).
   */
  capture<T>(
    fn: () => T,
    stay: (n: Node) => boolean = () => false,
    o: { ownWeights?: boolean } = {},
  ): { result: T; nodes: Node[]; initializers: Map<string, Tensor> } {
    const start = this.nodes.length;
    const known = new Set(this.initializers.keys());
    const result = fn();
    const added = this.nodes.splice(start);
    this.nodes.push(...added.filter(stay));
    // `ownWeights`: the initializers `fn` made belong to the subgraph (a body holding its own weights).
    const initializers = new Map<string, Tensor>();
    if (o.ownWeights)
      for (const [name, t] of this.initializers)
        if (!known.has(name)) {
          initializers.set(name, t);
          this.initializers.delete(name);
          this.subgraphWeights.add(name);
        }
    return { result, nodes: added.filter((n) => !stay(n)), initializers };
  }

  /** Shorthand for a single-output node named by nodeName(kind, name). */
  op(
    opType: string,
    kind: string,
    inputs: readonly (Value | string)[],
    dtype: DType,
    shape: Shape,
    attrs?: Record<string, AttrValue | undefined>,
    name?: string,
  ): Value {
    return this.node(opType, inputs, { name: this.nodeName(kind, name), outputs: [{ dtype, shape }], attrs })[0];
  }

  /** A constant tensor named `name` (exact), stored per the `constants` option. */
  constant(name: string, t: Tensor): Value {
    if (this.options.constants === 'constant-node') {
      const full = this.nodeName('', name);
      return this.node('Constant', [], {
        name: full,
        outputs: [{ dtype: t.dtype, shape: t.dims }],
        attrs: { value: { t } },
      })[0];
    }
    const full = this.nodeName('', name);
    this.claimValue(full);
    this.initializers.set(full, t);
    const v: Value = { name: full, dtype: t.dtype, shape: [...t.dims] };
    this.values.set(full, v);
    return v;
  }

  /** A seeded weight named `${owner}.${suffix}` (owner is a full node name). */
  weight(owner: string, suffix: string, dims: readonly number[], init: Init, dtype: DType = 'float32'): Value {
    const count = dims.reduce((a, d) => a * d, 1);
    if (dtype === 'float32' && !('values' in init)) {
      // The common case, filled in place (generators build thousands of graphs).
      const data = new Float32Array(count);
      if ('fill' in init) data.fill(init.fill);
      else {
        const [lo, hi] = 'uniform' in init ? init.uniform : [-1 / Math.sqrt(init.fanIn), 1 / Math.sqrt(init.fanIn)];
        for (let i = 0; i < count; i++) data[i] = this.rng.uniform(lo, hi);
      }
      return this.ownedConstant(owner, suffix, { dtype, dims: [...dims], data });
    }
    let values: number[];
    if ('values' in init) {
      if (init.values.length !== count)
        fail(`${owner}.${suffix}: expected ${count} values for dims [${dims.join(',')}], got ${init.values.length}`);
      values = [...init.values];
    } else if ('fill' in init) {
      values = new Array<number>(count).fill(init.fill);
    } else {
      const [lo, hi] = 'uniform' in init ? init.uniform : [-1 / Math.sqrt(init.fanIn), 1 / Math.sqrt(init.fanIn)];
      values = Array.from({ length: count }, () => this.rng.uniform(lo, hi));
    }
    return this.ownedConstant(owner, suffix, fromNumbers(dtype, dims, values));
  }

  /** int64 1-D constant (shapes, axes, starts...) named `${owner}.${suffix}`. */
  ints(owner: string, suffix: string, values: readonly number[]): Value {
    return this.ownedConstant(owner, suffix, fromNumbers('int64', [values.length], values));
  }

  /** Scalar constant of `dtype` named `${owner}.${suffix}`. */
  scalar(owner: string, suffix: string, value: number, dtype: DType = 'float32'): Value {
    return this.ownedConstant(owner, suffix, fromNumbers(dtype, [], [value]));
  }

  /** A constant named `${owner}.${suffix}` (owner is a full node name, so the scope is not prefixed again). */
  ownedConstant(owner: string, suffix: string, t: Tensor): Value {
    return this.scoped('', () => this.constant(`${owner}.${suffix}`, t));
  }

  private taken(name: string): boolean {
    return this.nodeNames.has(name) || this.values.has(name);
  }

  private claimValue(name: string): void {
    if (!name) fail('value names must be non-empty');
    if (this.values.has(name)) fail(`value '${name}' already exists in this graph`);
  }
}

export type { Dim };
