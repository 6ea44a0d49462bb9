/**
 * Golden files: what a scenario must keep doing, as sorted, rounded JSON with
 * a header of the versions that produced it. Verdicts and the invariants that
 * caught the faulty variant are recorded exactly; measured numbers only as
 * tolerance bands. A live measurement inside the recorded band reproduces the
 * recorded text byte for byte; outside it, a new band is proposed, the text
 * differs and the snapshot comparison fails until someone updates on purpose
 * (`npx vitest run scenarios -u`). CI never writes golden files.
 */
import type { Tolerance } from './define.js';
import type { Measurement, ScenarioResult } from './run.js';
import type { Versions } from './versions.js';

export type Band = [number, number];

export interface GoldenVariant {
  verdict: string;
  caughtBy: string[];
  bands: Record<string, Band>;
}

export interface Golden {
  _header: { pruneguard: string; 'onnxruntime-node': string; opset: number | null; update: string };
  id: string;
  failureMode: string;
  mustCatch: string[];
  shared: { bands: Record<string, Band> };
  variants: Record<string, GoldenVariant>;
}

export const UPDATE_COMMAND = 'npx vitest run scenarios -u';

const round = (v: number, dir: 'down' | 'up'): number => {
  const f = 100;
  const r = dir === 'down' ? Math.floor(v * f + 1e-9) / f : Math.ceil(v * f - 1e-9) / f;
  return Object.is(r, -0) ? 0 : r;
};

/** The band a tolerance gives around a measured value, rounded outward to 0.01. */
export function bandOf(value: number, t: Tolerance): Band {
  const half = 'abs' in t ? t.abs : Math.abs(value) * t.rel;
  return [round(value - half, 'down'), round(value + half, 'up')];
}

export const inBand = (v: number, [lo, hi]: Band): boolean => v >= lo - 1e-9 && v <= hi + 1e-9;

function bands(ms: Record<string, Measurement>, previous: Record<string, Band> | undefined): Record<string, Band> {
  const out: Record<string, Band> = {};
  for (const [key, m] of Object.entries(ms)) {
    if (!m.tolerance) continue;
    const old = previous?.[key];
    out[key] = old && inBand(m.value, old) ? old : bandOf(m.value, m.tolerance);
  }
  return out;
}

/** Measurements outside the bands a golden file recorded (for readable failures). */
export function outOfBand(result: ScenarioResult, golden: Golden | undefined): string[] {
  if (!golden) return [];
  const out: string[] = [];
  const check = (where: string, ms: Record<string, Measurement>, recorded: Record<string, Band> = {}): void => {
    for (const [key, band] of Object.entries(recorded)) {
      const m = ms[key];
      if (!m) out.push(`${where} ${key}: recorded band [${band.join(', ')}] but nothing was measured`);
      else if (!inBand(m.value, band))
        out.push(`${where} ${key}: measured ${m.value.toFixed(3)}, outside the recorded band [${band.join(', ')}]`);
    }
  };
  check('shared', result.shared.measurements, golden.shared?.bands);
  for (const [name, v] of Object.entries(result.variants)) check(name, v.measurements, golden.variants?.[name]?.bands);
  return out;
}

export function goldenOf(result: ScenarioResult, versions: Versions, previous?: Golden): Golden {
  return {
    _header: {
      pruneguard: versions.pruneguard,
      'onnxruntime-node': versions['onnxruntime-node'],
      opset: result.opset ?? null,
      update: UPDATE_COMMAND,
    },
    id: result.id,
    failureMode: result.failureMode,
    mustCatch: result.mustCatch,
    shared: { bands: bands(result.shared.measurements, previous?.shared?.bands) },
    variants: Object.fromEntries(
      Object.entries(result.variants).map(([name, v]) => [
        name,
        {
          verdict: v.verdict,
          caughtBy: v.caughtBy,
          bands: bands(v.measurements, previous?.variants?.[name]?.bands),
        },
      ]),
    ),
  };
}

/** JSON with keys sorted at every level, two-space indented, newline-terminated. */
export function stableStringify(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}
