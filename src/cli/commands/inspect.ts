/** `pruneguard inspect MODEL.onnx`: what is in a model, and the inferred shape of every value. */
import { PruneguardError } from '../../errors.js';
import { loadModelFile } from '../../onnx/load.js';
import { defineCommand, EXIT } from '../command.js';
import { opt } from '../options.js';
import { formatShape, summarize, type ModelSummary } from '../model-summary.js';
import { parseShapeArgs } from '../shape-arg.js';
import { describeGroups } from '../../prune/describe.js';
import { coverage } from '../../prune/coverage.js';
import { analyzeGroups } from '../../prune/groups.js';
import { renderCoverage } from '../coverage-text.js';
import { sharedConstants, type SharedConstant } from '../../prune/sharing.js';

export const inspect = defineCommand({
  name: 'inspect',
  usage: 'MODEL.onnx [--shape NAME=D0,D1,...]... [--runtime-input NAME]... [--json]',
  description: `Loads an ONNX model and prints its op inventory, parameter count, inputs and
outputs, and the statically inferred dtype and shape of every value, with the
broadcasts of elementwise ops and any shape problems found; then the channel
groups and the coverage: parameters in prunable groups, in blocked groups, and
not analysed, with the reasons ranked by parameters.`,
  exitCodes: '0 ok, 2 bad input (missing file, not ONNX, corrupt, bad --shape), 3 internal error.',
  options: {
    shape: opt.shapes('fix the dims of input NAME (repeatable), e.g. --shape input=1,3,32,32'),
    'runtime-input': opt.repeated(
      'NAME',
      'an initializer listed as a graph input (old IR) that is fed at run time, so not a weight (repeatable; ' +
        'by default such initializers are weights)',
    ),
    json: opt.flag(
      'print JSON on stdout: {model, inputs, outputs, parameters, ops, values, broadcasts, problems, groups, ' +
        'attention, shared, coverage, ...}',
    ),
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) {
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `expected one model file, got ${positionals.length === 0 ? 'none' : positionals.join(' ')} (see pruneguard ` +
          `inspect --help)`,
      );
    }
    const path = positionals[0];
    const model = loadModelFile(path, { runtimeInputs: values['runtime-input'] });
    const shapes = parseShapeArgs(values.shape, model, path);
    const summary = summarize(model, path, shapes);
    const analysis = analyzeGroups(model);
    const groups = describeGroups(analysis);
    const cover = coverage(analysis, model);
    const shared = sharedConstants(analysis);
    io.out(
      values.json
        ? JSON.stringify({ ...summary, ...groups, shared, coverage: cover }, null, 2)
        : `${render(summary)}\n\n${renderGroups(groups)}\n\n${renderShared(shared)}\n\n${renderCoverage(cover)}`,
    );
    return EXIT.ok;
  },
});

function render(s: ModelSummary): string {
  const lines: string[] = [];
  const opset = s.opsets.map((o) => `${o.domain} ${o.version}`).join(', ');
  lines.push(`${s.model}: ir ${s.irVersion}, opset ${opset}${s.producer ? `, producer ${s.producer}` : ''}`);
  const io = (label: string, list: ModelSummary['inputs']) =>
    list.forEach((v, i) =>
      lines.push(`${i === 0 ? label : ''.padEnd(label.length)}${v.name}  ${v.dtype ?? '?'} ${formatShape(v.shape)}`),
    );
  io('inputs:     ', s.inputs);
  io('outputs:    ', s.outputs);
  lines.push(`parameters: ${s.parameters.toLocaleString('en-US')} in ${s.parameterTensors} tensors`);
  lines.push(
    `nodes:      ${s.nodes} (${Object.entries(s.ops)
      .map(([op, n]) => `${op} ×${n}`)
      .join(', ')})`,
  );
  // Weights are listed in --json only: here they would bury the activations.
  const entries = Object.entries(s.values).filter(([, v]) => !v.constant);
  const w = Math.min(48, Math.max(4, ...entries.map(([n]) => n.length)));
  lines.push(
    '',
    `values (${entries.length}; ${Object.keys(s.values).length - entries.length} initializers in --json):`,
  );
  for (const [name, v] of entries) {
    lines.push(
      `  ${name.padEnd(w)}  ${(v.dtype ?? '?').padEnd(7)}  ` +
        `${formatShape(v.shape)}${v.unknownReason ? `  (${v.unknownReason})` : ''}`,
    );
  }
  lines.push('', `broadcasts (${s.broadcasts.length}):`);
  for (const b of s.broadcasts) {
    const ins = b.inputs.map((i) => `${i.name}${formatShape(i.shape)}`).join(' ⊙ ');
    const axes = b.axes.map((a) => `input ${a.input} axis ${a.axis} ${a.kind}`).join('; ');
    lines.push(`  ${b.node} (${b.op}): ${ins} → ${formatShape(b.output)}  [${axes}]`);
  }
  lines.push('', `problems (${s.problems.length}):`);
  for (const p of s.problems) lines.push(`  ${p.node} (${p.op}) ${p.rule}: ${p.message}`);
  return lines.join('\n');
}

/** The pruner's view: each channel group and attention unit, and why a blocked one cannot be pruned. */
function renderGroups({ groups, attention }: ReturnType<typeof describeGroups>): string {
  const lines = [
    `channel groups ` +
      `(${groups.filter((g) => g.kind === 'channels').length}, ${groups.filter((g) => g.blocked).length} blocked):`,
  ];
  for (const g of groups.filter((x) => x.kind === 'channels')) {
    const hd = g.headDim;
    const inside = hd
      ? `head_dim ${hd.part === 'qk' ? 'q·k' : 'v'} of ${hd.size}` +
        (hd.perChannel > 1 ? `, RoPE pairs: ${hd.perChannel} per channel` : '')
      : '';
    const notes = [inside, g.blocked ? `blocked: ${g.blocked}` : '', g.maskExact ? '' : 'not mask-exact']
      .filter(Boolean)
      .join('; ');
    lines.push(
      `  ${g.id.padEnd(40)} ${String(g.channels).padStart(5)} channels ` +
        ` ${g.members.length} members${notes ? `  (${notes})` : ''}`,
    );
  }
  lines.push('', `attention units (${attention.length}):`);
  for (const a of attention) {
    const cache = a.cache ? `  (KV cache, interface changes: ${a.cache.join(', ')})` : '';
    lines.push(
      `  ${a.id.padEnd(40)} ${a.heads} heads × ${a.headSize}${a.query ? ' (query heads within each KV group)' : ''}` +
        `${a.blocked ? `  (blocked: ${a.blocked})` : ''}${cache}`,
    );
  }
  return lines.join('\n');
}

/**
 * Stored tensors several nodes read: de-duplicated by the exporter (copied per use, so layers prune
 * independently) or really tied (pruned consistently). Float tensors are listed; integer shape vectors
 * and masks are counted.
 */
function renderShared(shared: readonly SharedConstant[]): string {
  const listed = shared.filter((s) => s.kind !== 'unshared' || s.dtype.startsWith('float'));
  const counted = shared.length - listed.length;
  const lines = [`shared constants (${shared.length}):`];
  const what: Record<SharedConstant['kind'], string> = {
    unshared: 'exporter de-duplicated equal values: copied per use, each layer pruned on its own',
    tied: 'one weight read by several ops: a real tie, pruned consistently',
    'tied-transposed': 'stored twice, one the transpose of the other: sliced alike, they stay tied',
  };
  for (const s of listed) {
    const other = s.with ? ` and ${s.with}` : '';
    lines.push(`  ${s.tensor}${other} [${s.kind}] ${what[s.kind]}; read by ${s.uses.join(', ')}`);
  }
  if (counted)
    lines.push(`  and ${counted} de-duplicated integer/bool constants (shape vectors, masks), copied per use`);
  return lines.join('\n');
}
