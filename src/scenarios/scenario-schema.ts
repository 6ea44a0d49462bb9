/**
 * The scenario metadata schema (valibot): the type of a scenario's data parts (id, incident,
 * failure mode, model, data, mustCatch) and their validator, every problem at once with its path.
 * The functional parts (variants' pruners, `check`) are typed in define.ts and checked here only
 * for being functions.
 */
import * as v from 'valibot';
import { FAILURE_MODES } from '../findings.js';

const text = (what: string) =>
  v.pipe(v.string(`${what} must be a non-empty string`), v.nonEmpty(`${what} must be a non-empty string`));
const fn = (what: string) => v.custom<(...args: never[]) => unknown>((x) => typeof x === 'function', what);

/** Where and when an incident happened, and what happened. */
export const IncidentSchema = v.object({
  /** Who saw it, where (a team, a postmortem, a paper, the seed). */
  source: text('incident.source'),
  /** When (ISO date or year). */
  date: text('incident.date'),
  summary: text('incident.summary'),
});

const VariantSchema = v.pipe(
  v.object(
    {
      summary: text('summary'),
      plan: v.optional(v.looseObject({}, 'plan must be an object')),
      prune: v.optional(fn('prune must be a function')),
      make: v.optional(fn('make must be a function')),
    },
    'is missing',
  ),
  v.check((x) => x.plan !== undefined || x.make !== undefined, 'needs a plan or make()'),
);

/** The data parts of a scenario file: what defineScenario checks before anything runs. */
export const ScenarioMetaSchema = v.object({
  /** kebab-case; the golden file is golden/<id>.json. */
  id: v.pipe(v.string('id must be kebab-case'), v.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'id must be kebab-case')),
  title: text('title'),
  incident: v.object(IncidentSchema.entries, 'incident needs source, date and summary'),
  failureMode: v.picklist(FAILURE_MODES, `failureMode must be one of ${FAILURE_MODES.join(', ')}`),
  /** A model file (relative to the project root) or a builder. */
  model: v.union([text('model'), fn('model must be a file or a builder')], 'model must be a file or a builder'),
  /** Evaluation data (npz/npy/json, relative to the project root) and its slices. */
  data: v.optional(v.object({ file: text('data.file'), slices: v.optional(v.array(v.looseObject({}))) })),
  variants: v.object({ faulty: VariantSchema, fixed: VariantSchema }, 'variants needs faulty and fixed'),
  /** The faulty variant must be caught by at least one of these invariants or gates. */
  mustCatch: v.pipe(
    v.array(text('mustCatch entry'), 'mustCatch must name at least one invariant or gate'),
    v.nonEmpty('mustCatch must name at least one invariant or gate'),
  ),
  check: fn('check must be a function'),
});

/** Every problem of a scenario's parts, one line each with its path ('' when none). */
export function scenarioProblems(spec: unknown): string[] {
  const result = v.safeParse(ScenarioMetaSchema, spec, { abortEarly: false });
  if (result.success) return [];
  return result.issues.map((i) => {
    const path = v.getDotPath(i);
    const message = i.message.startsWith('Invalid key') ? `${path} is missing` : i.message;
    return path && !message.startsWith(path.split('.')[0]) ? `${path}: ${message}` : message;
  });
}
