/** `--shape NAME=D0,D1,...` values, checked against the model's inputs. */
import { PruneguardError } from '../errors.js';
import type { Model } from '../ir/types.js';

/** The syntax of one `--shape NAME=D0,D1,...` value (the model is not consulted). */
export function parseShapeSyntax(value: string): { name: string; dims: number[] } {
  const bad = (why: string) => new PruneguardError('E_BAD_ARGUMENT', `--shape '${value}': ${why}`);
  const eq = value.lastIndexOf('=');
  if (eq <= 0) throw bad('expected NAME=D0,D1,... (for example input=1,3,224,224)');
  const text = value.slice(eq + 1);
  const dims = text === '' ? [] : text.split(',').map((d) => (/^\d+$/.test(d.trim()) ? Number(d.trim()) : NaN));
  if (dims.some((d) => !Number.isSafeInteger(d))) throw bad(`dims must be non-negative integers, got '${text}'`);
  return { name: value.slice(0, eq), dims };
}

/** `--shape` values checked against the model's feedable inputs: name to dims. */
export function parseShapeArgs(values: readonly string[], model: Model, source: string): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  const feedable = model.graph.inputs.filter((i) => !model.graph.initializers.has(i.name));
  const names = feedable.map((i) => i.name);
  for (const value of values) {
    const bad = (why: string) => new PruneguardError('E_BAD_ARGUMENT', `--shape '${value}': ${why}`);
    const { name, dims } = parseShapeSyntax(value);
    const input = feedable.find((i) => i.name === name);
    if (!input) throw bad(`${source} has no input '${name}' (inputs: ${names.join(', ') || 'none'})`);
    if (name in shapes) throw bad(`'${name}' is given twice`);
    const declared = input.shape;
    if (declared && declared.length !== dims.length) {
      throw bad(
        `'${name}' has rank ${declared.length} ([${declared.map((d) => d ?? '?').join(',')}]), got ${dims.length} dims`,
      );
    }
    const clash = declared?.findIndex((d, i) => typeof d === 'number' && d !== dims[i]) ?? -1;
    if (clash >= 0)
      throw bad(`'${name}' axis ${clash} is fixed to ${declared![clash]} in the model, got ${dims[clash]}`);
    shapes[name] = dims;
  }
  return shapes;
}
