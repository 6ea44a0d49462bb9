/**
 * JSON from untrusted files: a UTF-8 byte-order mark is accepted, nesting is
 * limited before parsing (a linear scan, so no input drives any later
 * recursion past the stack), and every object comes back without a
 * prototype, so a key named `constructor` or `__proto__` is just a key
 * (`obj[name]` can never reach Object.prototype).
 */
import { PruneguardError, type ErrorCode } from '../errors.js';
import { BUDGETS } from './budgets.js';

/** The deepest nesting of arrays/objects in `text` (strings skipped); stops counting past `limit`. */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0,
    max = 0,
    inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped char
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** Gives every object in `value` a null prototype, iteratively (any depth). */
function withoutPrototypes(value: unknown): unknown {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (!Array.isArray(v)) Object.setPrototypeOf(v, null);
    for (const child of Object.values(v as object)) if (child !== null && typeof child === 'object') stack.push(child);
  }
  return value;
}

/**
 * Parses untrusted JSON text; throws `code` with a one-line message naming `where` on any problem.
 * @example const plan = parseJson(text, 'plan.json', 'E_BAD_PLAN', 'plan');
 */
export function parseJson(text: string, where: string, code: ErrorCode = 'E_BAD_DATA', what = 'JSON'): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const depth = jsonDepth(body, BUDGETS.jsonDepth);
  if (depth > BUDGETS.jsonDepth)
    throw new PruneguardError(code, `${where}: ${what} is nested deeper than ${BUDGETS.jsonDepth} levels`);
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    throw new PruneguardError(code, `${where}: ${what} is not valid JSON (${(e as Error).message})`);
  }
  return withoutPrototypes(value);
}
