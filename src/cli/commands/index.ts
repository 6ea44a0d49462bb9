/**
 * The command table: one line per command, one file per command. Each command's module is
 * imported only when that command runs, so `pruneguard --help` and a light command never pay for
 * onnxruntime, fast-check or the pruner (issue 12: start time).
 */
import type { Command } from '../command.js';

/** A command as the global help lists it; `load` imports its implementation. */
export interface CommandEntry {
  name: string;
  /** One line for `pruneguard --help`. */
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'inspect',
    summary: 'op inventory, parameters, inputs/outputs and inferred shapes of a model',
    load: async () => (await import('./inspect.js')).inspect,
  },
  {
    name: 'prune',
    summary: 'structured pruning of channel groups and attention heads (plan or uniform ratio)',
    load: async () => (await import('./prune.js')).pruneCommand,
  },
  {
    name: 'layers',
    summary: 'residual blocks ranked by block influence on inputs (ShortGPT); the plan removing the least influential',
    load: async () => (await import('./layers.js')).layersCommand,
  },
  {
    name: 'check',
    summary: 'run every applicable invariant and gate on a dense/pruned pair; a verdict per failure mode',
    load: async () => (await import('./check.js')).checkCommand,
  },
  {
    name: 'sensitivity',
    summary: 'measure how much each prunable group costs on real data; plot it; allocate a budget',
    load: async () => (await import('./sensitivity.js')).sensitivityCommand,
  },
  {
    name: 'selftest',
    summary: 'prove the invariants find every known pruning bug (fault injectors) and shrink it',
    load: async () => (await import('./selftest.js')).selftest,
  },
  {
    name: 'fuzz',
    summary: "put any pruner (a command) under pruneguard's generators, invariants and shrinking",
    load: async () => (await import('./fuzz.js')).fuzzCommand,
  },
  {
    name: 'run',
    summary: 'the main job: every incident scenario, a short property run and the self-test; writes reports/',
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    name: 'scenarios',
    summary: 'run the incident scenarios (scenarios/*.scenario.ts): faulty caught, fixed passes',
    load: async () => (await import('./scenarios.js')).scenariosCommand,
  },
  {
    name: 'scenario',
    summary:
      'scaffold an incident scenario: `scenario new <slug>` (blank, or --fault/--seed/--path from a counterexample)',
    load: async () => (await import('./scenario.js')).scenarioCommand,
  },
  {
    name: 'report',
    summary: 'write reports/ (JSON, Markdown, HTML) from report parts: --merge parts/*.json, or re-render the last run',
    load: async () => (await import('./report.js')).reportCommand,
  },
  {
    name: 'breakeven',
    summary: 'sparse break-even probe: the sparsity at which a CSR kernel beats dense execution on this CPU',
    load: async () => (await import('./breakeven.js')).breakeven,
  },
];
