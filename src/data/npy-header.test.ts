import { describe, expect, it } from 'vitest';
import { parseHeaderDict } from './npy-header.js';

describe('the .npy header dict', () => {
  it("reads numpy's header forms: either quote, a trailing comma, 0-d, 1-d and n-d shapes", () => {
    expect(parseHeaderDict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }  \n")).toEqual(
      new Map<string, unknown>([
        ['descr', '<f4'],
        ['fortran_order', false],
        ['shape', ['2', '3']],
      ]),
    );
    expect(parseHeaderDict('{"descr": "|b1", "fortran_order": True, "shape": (7,)}')).toEqual(
      new Map<string, unknown>([
        ['descr', '|b1'],
        ['fortran_order', true],
        ['shape', ['7']],
      ]),
    );
    expect(parseHeaderDict("{'shape': ()}")).toEqual(new Map([['shape', []]]));
  });

  it('marks a structured dtype instead of reading it', () => {
    expect(parseHeaderDict("{'descr': [('a', '<f4'), ('b', '<i8')], 'shape': (2,)}")).toEqual(
      new Map<string, unknown>([
        ['descr', { structured: true }],
        ['shape', ['2']],
      ]),
    );
  });

  it('says where a malformed header stops making sense', () => {
    expect(parseHeaderDict("'descr': '<f4'")).toEqual({ error: "expected '{' at character 0" });
    expect(parseHeaderDict("{'shape': (2, 3}")).toEqual({ error: "unreadable value of 'shape' at character 15" });
    expect(parseHeaderDict("{'descr' '<f4'}")).toEqual({ error: "expected ':' at character 9" });
    expect(parseHeaderDict("{'descr': '<f4")).toEqual({ error: "unreadable value of 'descr' at character 10" });
    expect(parseHeaderDict(`{'shape': (${"'shape': (".repeat(1000)}`)).toHaveProperty('error');
  });
});
