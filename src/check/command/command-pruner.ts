/**
 * Any pruner as a command: `commandPruner('python3 prune.py {model} {plan} {out}')`.
 * Each case writes the dense model and the concrete plan to a fresh temporary folder, runs the
 * command (argv, no shell: see template.ts), reads the pruned model from {out} and removes the
 * folder. What can go wrong with the command is a finding (PrunerFailure), never a crash:
 * a non-zero exit (with the end of its stderr), a timeout, no output, an output that is not a model.
 * Exit code DECLINE_EXIT (10) declines the case (PrunerDeclined): the run counts it and moves on.
 *
 * @example
 * await runPruneProperty({ pruner: commandPruner('python3 prune.py {model} {plan} {out}'), ... });
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isPruneguardError } from '../../errors.js';
import type { Graph, Model, Tensor } from '../../ir/types.js';
import { loadModel } from '../../onnx/load.js';
import { saveModel } from '../../onnx/save.js';
import { storedExternally } from '../../onnx/tensor-store.js';
import type { GroupAnalysis } from '../../prune/groups.js';
import type { Plan } from '../../prune/plan.js';
import type { Pruner } from '../run-property.js';
import { DECLINE_EXIT, PrunerDeclined, PrunerFailure } from './outcome.js';
import { concretePlan } from './plan-files.js';
import { fillTemplate, quoteArgv, splitTemplate, type Placeholder } from './template.js';

/** Where and how long an external pruner command runs (working directory, timeout per case). */
export interface CommandPrunerOptions {
  /** Seconds a case may take before the command is killed (a finding). Default 60. */
  timeoutSeconds?: number;
  /** Working directory of the command (default: the current one). */
  cwd?: string;
  /** Where case folders are made (default: the OS temporary directory). */
  tmpDir?: string;
  /** The command's environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

/** A pruner backed by a command; `template` and `words` say what it runs. */
export interface CommandPruner extends Pruner {
  template: string;
  words: readonly string[];
  options: CommandPrunerOptions;
}

export interface CaseFiles {
  dir: string;
  paths: Record<Placeholder, string>;
  argv: string[];
  /** The command line, quoted so a shell runs the same argv. */
  commandLine: string;
}

/** Writes a case's files into `dir` (which must exist): model.onnx, plan.json, groups.json; {out} is pruned.onnx. */
export function writeCaseFiles(
  dir: string,
  words: readonly string[],
  dense: Model,
  plan: Plan,
  analysis?: GroupAnalysis,
): CaseFiles {
  const paths: Record<Placeholder, string> = {
    model: join(dir, 'model.onnx'),
    plan: join(dir, 'plan.json'),
    out: join(dir, 'pruned.onnx'),
    groups: join(dir, 'groups.json'),
  };
  const concrete = concretePlan(dense, plan, analysis);
  writeFileSync(paths.model, saveModel(dense));
  writeFileSync(paths.plan, `${JSON.stringify(concrete.plan, null, 1)}\n`);
  writeFileSync(paths.groups, `${JSON.stringify(concrete.groups, null, 1)}\n`);
  const argv = fillTemplate(words, paths);
  return { dir, paths, argv, commandLine: quoteArgv(argv) };
}

/** Runs the case's command and reads its output; failures and declines are thrown as PrunerFailure / PrunerDeclined. */
export async function runCase(files: CaseFiles, o: CommandPrunerOptions = {}): Promise<Model> {
  const timeoutMs = (o.timeoutSeconds ?? 60) * 1000;
  const [file, ...args] = files.argv;
  const result = await new Promise<{
    code: number | null;
    signal: string | null;
    stderr: string;
    timedOut: boolean;
    spawnError?: string;
  }>((resolve) => {
    const started = Date.now();
    execFile(
      file,
      args,
      {
        cwd: o.cwd,
        ...(o.env ? { env: o.env } : {}),
        timeout: timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 16 << 20,
        encoding: 'utf8',
      },
      (error, _stdout, stderr) => {
        const e = error as
          | (NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: string })
          | null;
        const spawnError = typeof e?.code === 'string' ? `${e.code}: ${e.message.split('\n')[0]}` : undefined;
        resolve({
          code: typeof e?.code === 'number' ? e.code : e ? null : 0,
          signal: e?.signal ?? null,
          stderr,
          timedOut: !!e?.killed && Date.now() - started >= timeoutMs - 50,
          spawnError,
        });
      },
    );
  });
  const where = files.commandLine;
  if (result.spawnError)
    throw new PrunerFailure({
      where,
      message: `the pruner command could not be started (${result.spawnError})`,
      expected: 'the command runs',
      received: result.spawnError,
    });
  if (result.timedOut)
    throw new PrunerFailure({
      where,
      message: `the pruner took longer than ${timeoutMs / 1000} s and was killed`,
      expected: `done within ${timeoutMs / 1000} s`,
      received: 'timeout',
    });
  if (result.code === DECLINE_EXIT) throw new PrunerDeclined(tail(result.stderr) || `exit ${DECLINE_EXIT}`);
  if (result.code !== 0) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with ${result.code}`;
    throw new PrunerFailure({
      where,
      message: `the pruner ${how}${result.stderr.trim() ? `: ${tail(result.stderr)}` : ' (no stderr)'}`,
      expected: 'exit 0',
      received: result.signal ?? result.code,
    });
  }
  if (!existsSync(files.paths.out))
    throw new PrunerFailure({
      where,
      message: `the pruner exited 0 but wrote no model at ${files.paths.out}`,
      expected: 'a model at {out}',
      received: 'no file',
    });
  try {
    // External data (tools write it beside the model) is read now: the case folder goes after this case.
    return withExternalDataRead(
      loadModel(readFileSync(files.paths.out), { source: files.paths.out, baseDir: dirname(files.paths.out) }),
    );
  } catch (e) {
    if (!isPruneguardError(e)) throw e;
    throw new PrunerFailure({
      where,
      message: `the pruner's output is not a model pruneguard can read: ${e.message}`,
      expected: 'an ONNX model',
      received: e.code,
    });
  }
}

/** Reads every tensor a model keeps in an external-data file into memory (loading only notes where they are). */
function withExternalDataRead(model: Model): Model {
  const read = (t: Tensor | undefined) => {
    if (t && storedExternally(t)) void t.data;
  };
  const visit = (g: Graph) => {
    for (const t of g.initializers.values()) read(t);
    for (const n of g.nodes) {
      for (const a of n.attributes) read(a.t);
      for (const sub of Object.values(n.subgraphs ?? {})) visit(sub);
    }
  };
  visit(model.graph);
  return model;
}

/** A Pruner that runs `template` per case in its own temporary folder, removed afterwards. */
export function commandPruner(template: string, options: CommandPrunerOptions = {}): CommandPruner {
  const words = splitTemplate(template);
  const pruner = async (dense: Model, plan: Plan, analysis?: GroupAnalysis): Promise<Model> => {
    const dir = mkdtempSync(join(options.tmpDir ?? tmpdir(), 'pruneguard-case-'));
    try {
      return await runCase(writeCaseFiles(dir, words, dense, plan, analysis), options);
    } finally {
      rmSync(dir, { recursive: true, force: true }); // the folder and every file in it are ours
    }
  };
  return Object.assign(pruner, { template, words, options });
}

export function isCommandPruner(p: Pruner): p is CommandPruner {
  return typeof (p as CommandPruner).template === 'string' && Array.isArray((p as CommandPruner).words);
}

/** The last lines of a command's stderr (a Python traceback's last line is the one that says what went wrong). */
function tail(stderr: string): string {
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => l.trim());
  return lines.slice(-3).join(' | ').slice(0, 600);
}
