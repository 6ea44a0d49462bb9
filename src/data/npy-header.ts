/**
 * The `.npy` header is a Python dict literal (`{'descr': '<f4', 'fortran_order': False,
 * 'shape': (2, 3), }`). It is read here by one left-to-right scan that consumes a character at
 * every step, so its time is linear in the header's length whatever the header holds (the regular
 * expressions it replaces rescanned the rest of the text at every `'shape': (` they met).
 */

/** A header value: a string, a boolean, a tuple of integers (as written), or a structured dtype. */
export type HeaderValue = string | boolean | string[] | { structured: true };

/** The header's keys and values, or why it is not a dict literal of that form. */
export function parseHeaderDict(text: string): Map<string, HeaderValue> | { error: string } {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (what: string) => ({ error: `${what} at character ${i}` });
  const quoted = (): string | undefined => {
    const q = text[i];
    if (q !== "'" && q !== '"') return undefined;
    const end = text.indexOf(q, i + 1);
    if (end < 0) return undefined;
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const tuple = (): string[] | undefined => {
    i++; // '('
    const items: string[] = [];
    for (;;) {
      ws();
      if (text[i] === ')') {
        i++;
        return items;
      }
      const start = i;
      while (i < text.length && /[0-9A-Za-z_]/.test(text[i])) i++;
      if (i === start) return undefined;
      items.push(text.slice(start, i));
      ws();
      if (text[i] === ',') i++;
      else if (text[i] !== ')') return undefined;
    }
  };
  const out = new Map<string, HeaderValue>();
  ws();
  if (text[i] !== '{') return fail("expected '{'");
  i++;
  for (;;) {
    ws();
    if (text[i] === '}') return out;
    const key = quoted();
    if (key === undefined) return fail('expected a quoted key');
    ws();
    if (text[i] !== ':') return fail("expected ':'");
    i++;
    ws();
    let value: HeaderValue | undefined;
    if (text[i] === "'" || text[i] === '"') value = quoted();
    else if (text[i] === '(') value = tuple();
    else if (text[i] === '[') {
      value = { structured: true };
      // A structured dtype's list is not read: skip to the matching bracket.
      let depth = 0;
      for (; i < text.length; i++) {
        if (text[i] === '[') depth++;
        else if (text[i] === ']' && --depth === 0) break;
      }
      i++;
    } else if (text.startsWith('True', i) || text.startsWith('False', i)) {
      value = text[i] === 'T';
      i += value ? 4 : 5;
    }
    if (value === undefined) return fail(`unreadable value of '${key}'`);
    out.set(key, value);
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') return fail("expected ',' or '}'");
  }
}
