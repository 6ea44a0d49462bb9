/** A rule that throws is a bug: it surfaces with its stack (CLI exit 3), never as "blocked" or "unknown shape". */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../cli/main.js';
import { tempDir } from '../fs/temp-dir.test-helpers.js';
import { saveModel } from '../onnx/save.js';
import { analyzeGroups } from '../prune/groups.js';
import { convModel } from '../runtime/tiny-models.test-helpers.js';
import { inferShapes } from '../shape/infer.js';
import { OP_DEFS } from './registry.js';
import { RuleBug } from './rule-bug.js';

function throwingRule(): never {
  throw new TypeError('x is undefined');
}

afterEach(() => vi.restoreAllMocks());

describe('a rule that throws', () => {
  it('a channel rule: analysis throws a RuleBug naming the rule, the node and the port, with the rule frames', () => {
    vi.spyOn(OP_DEFS.Relu.channels!, 'links').mockImplementation(throwingRule);
    let caught: unknown;
    try {
      analyzeGroups(convModel());
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RuleBug);
    expect((caught as Error).message).toMatch(
      /^channel rule of Relu r1 at (in|out)put 0 axis \d+ threw TypeError: x is undefined$/,
    );
    expect((caught as Error).stack).toMatch(/RuleBug: channel rule of Relu[\s\S]*\n\s+at (Object\.)?throwingRule/);
  });

  it('a shape rule: inference throws instead of calling the shape unknown', () => {
    vi.spyOn(OP_DEFS.Relu, 'shape').mockImplementation(throwingRule);
    expect(() => inferShapes(convModel())).toThrow(/^shape rule of Relu r1 threw TypeError: x is undefined$/);
  });

  it('a rewrite: pruning throws', async () => {
    const { prune } = await import('../prune/prune.js');
    vi.spyOn(OP_DEFS.Conv.channels!, 'rewrite').mockImplementation(throwingRule);
    expect(() =>
      prune(convModel(), { version: 1, channels: [{ group: analyzeGroups(convModel()).groups[0].id, ratio: 0.5 }] }),
    ).toThrow(/^channel rewrite of Conv \S+ threw TypeError/);
  });

  it('the CLI reports it as an internal error: exit 3 with the stack', async () => {
    const dir = tempDir('pruneguard-rulebug-');
    const model = join(dir, 'tiny.onnx');
    writeFileSync(model, saveModel(convModel()));
    vi.spyOn(OP_DEFS.Relu.channels!, 'links').mockImplementation(throwingRule);
    let err = '';
    const code = await main(['prune', model, '--ratio', '0.5', '-o', join(dir, 'out.onnx')], {
      out: () => {},
      err: (t) => void (err += t),
    });
    expect(code).toBe(3);
    expect(err).toMatch(/internal error[\s\S]*RuleBug: channel rule of Relu r1[\s\S]*\n\s+at (Object\.)?throwingRule/);
    expect(err).not.toMatch(/blocked/);
  });
});
