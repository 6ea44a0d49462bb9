/**
 * mulberry32: a small, fast, seeded PRNG. Everything in pruneguard that draws
 * random numbers (weights, inputs, importance ties, bootstrap resamples) uses
 * it, so a seed reproduces a run exactly.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stream per (seed, name): adding a named stream never changes the others. */
export function namedStream(seed: number, name: string): () => number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return mulberry32(h ^ Math.imul(seed | 0, 0x9e3779b1));
}
