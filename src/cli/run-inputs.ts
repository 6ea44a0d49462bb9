/**
 * `--shape NAME=D0,D1,...` and `--inputs FILE.npz` for commands that run a model (prune --verify,
 * check): the sizes random inputs take, or real sample inputs (arrays named as the model's inputs,
 * fed as they are: their axis 0 is the batch). Both are checked against the model's declared inputs.
 */
import { loadEvalSet } from '../data/load.js';
import { bindEvalSet, exampleInputs, feedInputs } from '../data/validate.js';
import { PruneguardError } from '../errors.js';
import type { Model } from '../ir/types.js';
import type { Feeds } from '../runtime/index.js';
import { opt } from './options.js';
import { parseShapeArgs } from './shape-arg.js';

export interface RunInputs {
  /** Sizes from --shape, by input name (inputs not named get default sizes). */
  fixed: Record<string, number[]>;
  /** The feeds from --inputs. */
  feeds?: Feeds;
  /** The --inputs file. */
  inputsPath?: string;
}

/** The options to spread into a command's options. */
export const RUN_INPUT_OPTIONS = {
  shape: opt.shapes('run at these dims for input NAME (repeatable; other inputs get default sizes)'),
  inputs: opt.path('FILE.npz', 'run on these sample inputs (arrays named as the model inputs; .npz, .npy or .json)'),
};

/** Reads --shape and --inputs against `model` (the file `modelPath`). */
export async function readRunInputs(
  values: { shape: string[]; inputs?: string },
  model: Model,
  modelPath: string,
): Promise<RunInputs> {
  const shapeArgs = values.shape;
  const inputsPath = values.inputs;
  if (shapeArgs.length && inputsPath)
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `give --shape or --inputs, not both (${inputsPath} fixes every input's shape)`,
    );
  const fixed = parseShapeArgs(shapeArgs, model, modelPath);
  if (!inputsPath) return { fixed };
  // Evaluation data is welcome (labels, slices): only its inputs are fed.
  const set = bindEvalSet(
    await loadEvalSet(inputsPath, {
      inputNames: feedInputs(model).map((i) => i.name),
      exampleInputs: exampleInputs(model),
    }),
    model,
  );
  for (const vi of feedInputs(model)) {
    const d = vi.shape?.[0];
    const got = set.inputs[vi.name].dims[0];
    if (typeof d === 'number' && d !== got)
      throw new PruneguardError(
        'E_BAD_DATA',
        `${inputsPath}: input '${vi.name}' axis 0 is ${got}, the model expects ${d}`,
      );
  }
  return { fixed, feeds: set.inputs, inputsPath };
}
