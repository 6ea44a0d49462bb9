/**
 * Discovery: every `*.scenario.ts` in the scenarios folder is a scenario;
 * adding a file is all it takes. Under vitest (or `node --import tsx`) the
 * files are imported directly; from the compiled CLI they go through tsx's
 * loader API (`tsx/esm/api`), which is why tsx is a runtime dependency.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PruneguardError } from '../errors.js';
import { isScenario, type Scenario } from './define.js';

export const SCENARIO_SUFFIX = '.scenario.ts';

export interface DiscoveredScenario {
  file: string;
  scenario: Scenario;
}

/** Scenario files in `dir`, sorted by name (relative to `dir`'s parent, e.g. `scenarios/x.scenario.ts`). */
export function scenarioFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw new PruneguardError('E_FILE_NOT_FOUND', `cannot read the scenarios folder ${dir}: ${(e as Error).message}`);
  }
  return names
    .filter((n) => n.endsWith(SCENARIO_SUFFIX))
    .sort()
    .map((n) => join(dir, n));
}

/** True when TypeScript files can be imported natively (vitest, tsx). */
function canImportTs(): boolean {
  return (
    !!process.env.VITEST ||
    process.execArgv.some((a) => a.includes('tsx')) ||
    !!(process as { _preload_modules?: string[] })._preload_modules?.some((m) => m.includes('tsx'))
  );
}

async function importTs(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(resolve(file)).href;
  if (canImportTs()) return (await import(url)) as Record<string, unknown>;
  const { tsImport } = (await import('tsx/esm/api')) as {
    tsImport: (specifier: string, parent: string) => Promise<Record<string, unknown>>;
  };
  return tsImport(url, import.meta.url);
}

/** Loads one scenario file; its default export (or its only scenario export) is the scenario. */
export async function loadScenario(file: string): Promise<Scenario> {
  let mod: Record<string, unknown>;
  try {
    mod = await importTs(file);
  } catch (e) {
    if (e instanceof PruneguardError) throw new PruneguardError(e.code, `${file}: ${e.message}`);
    throw new PruneguardError('E_BAD_ARGUMENT', `cannot load scenario ${file}: ${(e as Error).message}`);
  }
  const found = isScenario(mod.default) ? [mod.default] : Object.values(mod).filter(isScenario);
  if (found.length !== 1)
    throw new PruneguardError(
      'E_BAD_ARGUMENT',
      `${file} must export one scenario made with defineScenario (as its default export), found ${found.length}`,
    );
  return found[0];
}

/** Finds and loads every `*.scenario.ts` file under a folder. */
export async function discoverScenarios(dir: string): Promise<DiscoveredScenario[]> {
  const out: DiscoveredScenario[] = [];
  for (const file of scenarioFiles(dir)) out.push({ file, scenario: await loadScenario(file) });
  const seen = new Map<string, string>();
  for (const { file, scenario } of out) {
    const other = seen.get(scenario.id);
    if (other)
      throw new PruneguardError('E_BAD_ARGUMENT', `scenario id '${scenario.id}' is used by both ${other} and ${file}`);
    seen.set(scenario.id, file);
  }
  return out;
}
