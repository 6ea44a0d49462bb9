import { describe, expect, it } from 'vitest';
import { fillTemplate, quoteArgv, splitTemplate } from './template.js';

describe('splitTemplate: shell words without a shell', () => {
  it('splits on whitespace and keeps quoted words whole', () => {
    expect(splitTemplate(`python3 'my pruner.py' "--name=a b" {model} {plan} {out}`)).toEqual([
      'python3',
      'my pruner.py',
      '--name=a b',
      '{model}',
      '{plan}',
      '{out}',
    ]);
  });
  it('expands nothing: $VAR, globs, ; and | are characters', () => {
    expect(splitTemplate('prune $HOME/*.py;rm {model} {plan} {out}|x')).toEqual([
      'prune',
      '$HOME/*.py;rm',
      '{model}',
      '{plan}',
      '{out}|x',
    ]);
  });
  it('handles escapes inside and outside double quotes', () => {
    expect(splitTemplate(String.raw`a\ b "c\"d" 'e\f' {model} {plan} {out}`)).toEqual([
      'a b',
      'c"d',
      'e\\f',
      '{model}',
      '{plan}',
      '{out}',
    ]);
  });
  it('fills placeholders inside words, so a path with spaces stays one argument', () => {
    const words = splitTemplate('p --in={model} {plan} {out}');
    expect(
      fillTemplate(words, { model: '/tmp/a b/model.onnx', plan: 'p.json', out: 'o.onnx', groups: 'g.json' }),
    ).toEqual(['p', '--in=/tmp/a b/model.onnx', 'p.json', 'o.onnx']);
  });
  it('refuses unbalanced quotes, unknown or missing placeholders', () => {
    expect(() => splitTemplate(`p '{model} {plan} {out}`)).toThrow(/unterminated '/);
    expect(() => splitTemplate('p {model} {plan} {out} {weights}')).toThrow(/unknown placeholder \{weights\}/);
    expect(() => splitTemplate('p {model} {out}')).toThrow(/must mention \{plan\}/);
  });
  it('quotes an argv back into a line a shell splits the same way', () => {
    const argv = ['python3', "it's here", 'a b', '/x/y.onnx'];
    expect(splitTemplate(`${quoteArgv(argv)} {model} {plan} {out}`).slice(0, 4)).toEqual(argv);
  });
});
