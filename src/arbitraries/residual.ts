/**
 * Random residual CNNs. The arbitrary generates a *recipe* (plain data: a list
 * of block specs) and `buildResidual` maps it to a valid model, so fast-check
 * shrinks the recipe (fewer blocks, fewer channels) and every shrink is still
 * a valid graph.
 */
import fc from 'fast-check';
import { exportFormFields, type ExportForm } from './export-form.js';
import { GraphBuilder } from '../ir/builder/index.js';
import type { Value } from '../ir/builder/core.js';
import type { Model } from '../ir/types.js';

export type NormKind = 'batch' | 'group' | 'instance' | 'none';
export type Activation = 'relu' | 'relu6' | 'hardSwish' | 'none';

export type ResidualBlock =
  | { kind: 'conv'; out: number; kernel: 1 | 3; stride: 1 | 2; norm: NormKind; act: Activation }
  | {
      kind: 'residual';
      skip: 'identity' | 'projection';
      width: number;
      out: number;
      stride: 1 | 2;
      depth: 1 | 2 | 3;
      norm: NormKind;
      act: Activation;
    }
  | { kind: 'inverted'; expand: 1 | 2 | 3; norm: NormKind; act: Activation }
  | { kind: 'grouped'; groups: 2; perGroup: number }
  | { kind: 'concat'; branches: number[]; act: boolean }
  | { kind: 'se'; squeeze: number }
  /**
   * `If(mean(x) > 0)` as torch.jit.script exports it: the then-branch runs a small network whose
   * weights are main-graph initializers read from inside the branch (`weights: 'outer'`), or held by
   * the branch itself (`'inner'`, as inlining exporters write them); the else-branch passes x on.
   * 'conv': one 1x1 conv; 'residual': x + conv1x1(relu(conv3x3(x) to `width`)).
   */
  | { kind: 'if'; branch: 'conv' | 'residual'; width: number; weights: 'outer' | 'inner' }
  /**
   * Tied weights: one 1x1 conv weight applied twice, `conv(relu(conv(x, W)), W)` (weight-shared
   * recurrent refinement, ALBERT-style sharing across layers): one stored tensor, two consumers.
   */
  | { kind: 'tied' };

export interface ResidualRecipe extends ExportForm {
  family: 'residual';
  opset: number;
  inChannels: number;
  size: number;
  stem: { out: number; norm: NormKind; act: Activation };
  blocks: ResidualBlock[];
  head: 'gap-gemm' | 'flatten-gemm';
  classes: number;
  seed: number;
}

const width = fc.integer({ min: 1, max: 8 });
// Choices are listed simplest first: fast-check shrinks towards the first, and a shrink must never grow the graph.
const norm = fc.constantFrom<NormKind>('none', 'instance', 'batch', 'group');
const act = fc.constantFrom<Activation>('none', 'relu', 'relu6', 'hardSwish');

/** The smallest block there is: a 1x1 conv to one channel (one node, the fewest weights at any position). */
const MINIMAL_BLOCK: ResidualBlock = { kind: 'conv', out: 1, kernel: 1, stride: 1, norm: 'none', act: 'none' };

// Cross-shrinking lets a shrink replace any block by the first choice, the minimal block: without it a
// block kind never shrinks into another, and a counterexample that needs (say) a squeeze-excitation
// block only for its weights stays that big.
const block: fc.Arbitrary<ResidualBlock> = fc.oneof(
  { withCrossShrink: true },
  { weight: 1, arbitrary: fc.constant(MINIMAL_BLOCK) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('residual' as const),
      skip: fc.constantFrom<'identity' | 'projection'>('identity', 'projection'),
      width,
      out: width,
      stride: fc.constantFrom<1 | 2>(1, 2),
      depth: fc.constantFrom<1 | 2 | 3>(1, 2, 3),
      norm,
      act,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('conv' as const),
      out: width,
      kernel: fc.constantFrom<1 | 3>(1, 3),
      stride: fc.constantFrom<1 | 2>(1, 2),
      norm,
      act,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('inverted' as const),
      expand: fc.constantFrom<1 | 2 | 3>(1, 2, 3),
      norm,
      act,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('grouped' as const),
      groups: fc.constant(2 as const),
      perGroup: fc.integer({ min: 1, max: 4 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('concat' as const),
      branches: fc.array(width, { minLength: 2, maxLength: 3 }),
      act: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('se' as const), squeeze: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'tied' as const }) },
);

/** The If idiom, simplest branch first so a shrink moves towards the one-conv branch. */
const ifBlock: fc.Arbitrary<ResidualBlock> = fc.record({
  kind: fc.constant('if' as const),
  branch: fc.constantFrom<'conv' | 'residual'>('conv', 'residual'),
  width,
  weights: fc.constantFrom<'outer' | 'inner'>('outer', 'inner'),
});

export interface ResidualConstraints {
  maxBlocks?: number;
  opsets?: number[];
  /**
   * Control flow: every recipe has an If block (first), and the other blocks may be If blocks too.
   * Off by default, so the residual family's other suites draw the same graphs as before.
   */
  controlFlow?: boolean;
}

/**
 * Residual CNN recipes: identity/projection skips, bottlenecks, strides, depthwise, grouped, concat, SE gates,
 * flatten→gemm heads.
 */
export function residualRecipe(c: ResidualConstraints = {}): fc.Arbitrary<ResidualRecipe> {
  return fc.record({
    family: fc.constant('residual' as const),
    opset: fc.constantFrom(...(c.opsets ?? [18, 17, 13])),
    inChannels: fc.integer({ min: 1, max: 3 }),
    size: fc.constantFrom(4, 6, 8),
    stem: fc.record({ out: fc.integer({ min: 3, max: 8 }), norm, act }),
    blocks: c.controlFlow
      ? fc
          .tuple(
            ifBlock,
            fc.array(fc.oneof({ withCrossShrink: true }, block, ifBlock), {
              minLength: 0,
              maxLength: (c.maxBlocks ?? 4) - 1,
            }),
          )
          .map(([first, rest]) => [first, ...rest])
      : fc.array(block, { minLength: 0, maxLength: c.maxBlocks ?? 4 }),
    head: fc.constantFrom<'gap-gemm' | 'flatten-gemm'>('flatten-gemm', 'gap-gemm'),
    classes: fc.integer({ min: 2, max: 4 }),
    ...exportFormFields,
    seed: fc.nat({ max: 1000 }),
  });
}

/** The residual CNN a residual recipe describes (deterministic weights). */
export function buildResidual(r: ResidualRecipe): Model {
  const b = new GraphBuilder({ name: 'residual', opset: r.opset, seed: r.seed, constants: r.constants });
  let x = b.input('x', 'float32', ['batch', r.inChannels, r.size, r.size]);
  x = normAct(b, b.conv(x, r.stem.out, { kernel: 3, pad: 1, name: 'stem' }), r.stem.norm, r.stem.act);
  r.blocks.forEach((blk, i) => {
    x = b.scoped(`b${i + 1}`, () => addBlock(b, x, blk));
  });
  const pooled = r.head === 'gap-gemm' ? b.globalAveragePool(x) : x;
  b.output(b.gemm(b.flatten(pooled), r.classes, { name: 'fc' }), 'logits');
  return b.build();
}

function channels(x: Value): number {
  return x.shape[1] as number;
}

function spatial(x: Value): number {
  return x.shape[2] as number;
}

function normAct(b: GraphBuilder, x: Value, n: NormKind, a: Activation): Value {
  const c = channels(x);
  if (n === 'batch') x = b.batchNorm(x);
  else if (n === 'instance') x = b.instanceNorm(x);
  else if (n === 'group') x = b.groupNorm(x, { groups: c % 2 === 0 ? 2 : 1 });
  if (a === 'relu') return b.relu(x);
  if (a === 'relu6') return b.relu6(x);
  if (a === 'hardSwish') return b.hardSwish(x);
  return x;
}

function addBlock(b: GraphBuilder, x: Value, blk: ResidualBlock): Value {
  // A stride-2 op on a 1-pixel map is still valid, but keep maps >= 2 so pooling heads stay meaningful.
  const stride = (s: 1 | 2) => (s === 2 && spatial(x) >= 4 ? 2 : 1);
  switch (blk.kind) {
    case 'conv':
      return normAct(
        b,
        b.conv(x, blk.out, { kernel: blk.kernel, pad: blk.kernel === 3 ? 1 : 0, stride: stride(blk.stride) }),
        blk.norm,
        blk.act,
      );
    case 'residual': {
      // depth 1: one 3x3 conv; 2: two (a ResNet basic block); 3: 1x1-3x3-1x1 (a bottleneck).
      const s = stride(blk.stride);
      const identity = blk.skip === 'identity' && s === 1;
      const out = identity ? channels(x) : blk.out;
      const kernels = blk.depth === 3 ? [1, 3, 1] : blk.depth === 2 ? [3, 3] : [3];
      let y = x;
      kernels.forEach((k, i) => {
        const last = i === kernels.length - 1;
        y = normAct(
          b,
          b.conv(y, last ? out : blk.width, { kernel: k, pad: k === 3 ? 1 : 0, stride: i === 0 ? s : 1 }),
          blk.norm,
          last ? 'none' : blk.act,
        );
      });
      const skip = identity ? x : normAct(b, b.conv(x, out, { kernel: 1, stride: s, name: 'proj' }), blk.norm, 'none');
      return normAct(b, b.add(y, skip), 'none', blk.act);
    }
    case 'inverted': {
      const c = channels(x);
      const hidden = c * blk.expand;
      // MobileNetV2 uses ReLU6 here; the activation is a choice so that shrinking can drop it.
      let y = blk.expand > 1 ? normAct(b, b.conv(x, hidden, { kernel: 1 }), blk.norm, blk.act) : x;
      y = normAct(b, b.conv(y, hidden, { kernel: 3, pad: 1, group: hidden }), blk.norm, blk.act);
      y = normAct(b, b.conv(y, c, { kernel: 1 }), blk.norm, 'none');
      return b.add(y, x);
    }
    case 'grouped': {
      const input = b.conv(x, blk.groups * blk.perGroup, { kernel: 1 });
      return b.relu(b.conv(input, blk.groups * blk.perGroup, { kernel: 3, pad: 1, group: blk.groups }));
    }
    case 'concat':
      return b.concat(
        blk.branches.map((w, i) => {
          const y = b.conv(x, w, { kernel: i % 2 ? 3 : 1, pad: i % 2 ? 1 : 0 });
          return blk.act ? b.relu(y) : y;
        }),
        1,
      );
    case 'se':
      return b.squeezeExcitation(x, { squeeze: Math.min(blk.squeeze, channels(x)) });
    case 'tied': {
      const c = channels(x);
      const w = b.weight(b.nodeName('conv', 'tied'), 'weight', [c, c, 1, 1], { fanIn: c });
      const once = (v: Value, i: number) =>
        b.node('Conv', [v, w], {
          name: b.nodeName('conv', `tied_${i}`),
          outputs: [{ dtype: v.dtype, shape: v.shape }],
          attrs: { kernel_shape: [1, 1] },
        })[0];
      return once(b.relu(once(x, 1)), 2);
    }
    case 'if': {
      const c = channels(x);
      const mean = b.meanAll(x);
      const cond = b.greater(mean, 0);
      return b.ifThenElse(
        cond,
        () => {
          if (blk.branch === 'conv') return b.conv(x, c, { kernel: 1 });
          return b.add(x, b.conv(b.relu(b.conv(x, blk.width, { kernel: 3, pad: 1 })), c, { kernel: 1 }));
        },
        () => x,
        { ownWeights: blk.weights === 'inner' },
      );
    }
  }
}
