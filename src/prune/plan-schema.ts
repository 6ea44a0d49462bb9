/** Structural validation of a plan (types, ranges, unknown keys): every issue at once. */
import type { Plan, PlanIssue } from './plan.js';
import { throwIssues } from './plan.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly issues: PlanIssue[] = [];
  issue(path: string, message: string, expected?: string, received?: unknown): void {
    this.issues.push({ path, message, ...(expected !== undefined ? { expected, received } : {}) });
  }
  keys(o: Obj, path: string, allowed: string[]): void {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) this.issue(path ? `${path}.${k}` : k, 'unknown key', allowed.join(' | '), k);
  }
  string(o: Obj, k: string, path: string): void {
    if (typeof o[k] !== 'string' || o[k] === '') this.issue(`${path}.${k}`, 'must be a non-empty string', 'string', o[k]);
  }
  ratio(o: Obj, k: string, path: string, what = 'ratio'): void {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v >= 1) this.issue(`${path}.${k}`, `${what} must be a number in [0, 1)`, '[0, 1)', v);
  }
  int(o: Obj, k: string, path: string, min: number, optional = true): void {
    const v = o[k];
    if (v === undefined && optional) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.issue(`${path}.${k}`, `must be an integer >= ${min}`, `integer >= ${min}`, v);
  }
  indices(o: Obj, k: string, path: string): void {
    const v = o[k];
    if (!Array.isArray(v) || v.length === 0) { this.issue(`${path}.${k}`, 'must be a non-empty array of indices', 'integer[]', v); return; }
    v.forEach((x, i) => { if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) this.issue(`${path}.${k}[${i}]`, 'must be a non-negative integer', 'integer >= 0', x); });
    if (new Set(v).size !== v.length) this.issue(`${path}.${k}`, 'has duplicate indices', 'unique indices', v);
  }
  criterion(o: Obj, path: string): void {
    if (o.criterion !== undefined && !['l1', 'l2', 'random'].includes(o.criterion as string)) this.issue(`${path}.criterion`, 'unknown criterion', '"l1" | "l2" | "random"', o.criterion);
    this.int(o, 'seed', path, 0);
  }
  list(plan: Obj, k: string, each: (o: Obj, path: string) => void): void {
    const v = plan[k];
    if (v === undefined) return;
    if (!Array.isArray(v)) { this.issue(k, 'must be an array', 'array', v); return; }
    v.forEach((o, i) => (isObj(o) ? each(o, `${k}[${i}]`) : this.issue(`${k}[${i}]`, 'must be an object', 'object', o)));
  }
}

/** Checks the plan's structure; throws PruneguardError('E_BAD_PLAN') listing every issue. */
export function validatePlanShape(plan: unknown, source = 'plan'): Plan {
  const { plan: p, issues } = planShapeIssues(plan);
  throwIssues(issues, source);
  return p;
}

/**
 * The plan's structural issues, and the plan with every malformed entry dropped
 * (so name resolution can still report its own problems in the same error).
 */
export function planShapeIssues(plan: unknown): { plan: Plan; issues: PlanIssue[] } {
  const c = new Checker();
  if (!isObj(plan)) {
    c.issue('(plan)', 'a plan must be a JSON object', 'object', plan);
    return { plan: {}, issues: c.issues };
  }
  const p = plan as Obj;
  c.keys(p, '', ['version', 'channels', 'heads', 'unstructured', 'nm', 'layers', 'guards']);
  if (p.version !== undefined && p.version !== 1) c.issue('version', 'unsupported plan version', '1', p.version);
  c.list(p, 'channels', (o, path) => {
    c.string(o, 'group', path);
    if ('indices' in o) { c.keys(o, path, ['group', 'indices']); c.indices(o, 'indices', path); }
    else { c.keys(o, path, ['group', 'ratio', 'criterion', 'seed']); c.ratio(o, 'ratio', path); c.criterion(o, path); }
  });
  c.list(p, 'heads', (o, path) => {
    c.string(o, 'attention', path);
    if ('remove' in o) { c.keys(o, path, ['attention', 'remove']); c.indices(o, 'remove', path); }
    else { c.keys(o, path, ['attention', 'ratio', 'criterion', 'seed']); c.ratio(o, 'ratio', path); c.criterion(o, path); }
  });
  c.list(p, 'unstructured', (o, path) => {
    if (o.global === true) c.keys(o, path, ['global', 'sparsity']);
    else { c.keys(o, path, ['tensor', 'sparsity']); c.string(o, 'tensor', path); }
    c.ratio(o, 'sparsity', path, 'sparsity');
  });
  c.list(p, 'nm', (o, path) => {
    c.keys(o, path, ['tensor', 'n', 'm']);
    c.string(o, 'tensor', path);
    c.int(o, 'n', path, 1);
    c.int(o, 'm', path, 1);
    const n = (o.n ?? 2) as number, m = (o.m ?? 4) as number;
    if (typeof n === 'number' && typeof m === 'number' && n >= m) c.issue(`${path}.n`, 'n must be smaller than m', `< ${m}`, n);
  });
  c.list(p, 'layers', (o, path) => {
    c.keys(o, path, ['remove']);
    c.string(o, 'remove', path);
  });
  if (p.guards !== undefined) {
    if (!isObj(p.guards)) c.issue('guards', 'must be an object', 'object', p.guards);
    else {
      c.keys(p.guards, 'guards', ['minChannels', 'allowSingleChannel', 'roundTo']);
      c.int(p.guards, 'minChannels', 'guards', 1);
      c.int(p.guards, 'roundTo', 'guards', 1);
      if (p.guards.allowSingleChannel !== undefined && typeof p.guards.allowSingleChannel !== 'boolean') c.issue('guards.allowSingleChannel', 'must be a boolean', 'boolean', p.guards.allowSingleChannel);
    }
  }
  const bad = (path: string) => c.issues.some((i) => i.path === path || i.path.startsWith(`${path}.`) || i.path.startsWith(`${path}[`));
  // Malformed entries become holes, so later issues keep the entry's own index in their path.
  const clean = (k: string) => (Array.isArray(p[k]) ? (p[k] as unknown[]).map((e, i) => (bad(`${k}[${i}]`) ? undefined : e)) : undefined);
  const cleaned: Plan = {
    ...(clean('channels') ? { channels: clean('channels') as Plan['channels'] } : {}),
    ...(clean('heads') ? { heads: clean('heads') as Plan['heads'] } : {}),
    ...(clean('unstructured') ? { unstructured: clean('unstructured') as Plan['unstructured'] } : {}),
    ...(clean('nm') ? { nm: clean('nm') as Plan['nm'] } : {}),
    ...(clean('layers') ? { layers: clean('layers') as Plan['layers'] } : {}),
    ...(isObj(p.guards) && !bad('guards') ? { guards: p.guards as Plan['guards'] } : {}),
  };
  return { plan: cleaned, issues: c.issues };
}
