/** The sensitivity profile as a readable table, most sensitive first. */
import type { SensitivityProfile } from './profile.js';

const fix = (x: number | undefined, d = 2) => (x === undefined ? '-' : x.toFixed(d));

/** The sensitivity profile as a text table, most sensitive group first. */
export function formatProfile(profile: SensitivityProfile): string {
  const ratios =
    profile.ratios ??
    [...new Set(profile.entries.flatMap((e) => e.drops?.map((d) => d.ratio) ?? [e.probeRatio]))].sort((a, b) => a - b);
  const header = ['group', 'kind', 'depth', 'params', ...ratios.map((r) => `drop@${r}`), 'sensitivity', 'eval'];
  const rows = [...profile.entries]
    .sort((a, b) => b.sensitivity - a.sensitivity)
    .map((e) => [
      e.group,
      `${e.kind}${e.classifier ? ' (classifier)' : ''}`,
      fix(e.depth),
      String(e.params),
      ...ratios.map((r) => fix(e.drops?.find((d) => d.ratio === r)?.drop)),
      fix(e.sensitivity),
      e.evaluation === 'pruned' ? 'pruned (not mask-exact)' : (e.evaluation ?? ''),
    ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const numeric = (i: number) => i >= 2 && i < header.length - 1;
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const dense = profile.dense === undefined ? '' : `, dense ${fix(profile.dense)}`;
  const title =
    `sensitivity (${profile.metric} drop in points${dense}` +
    `${profile.examples ? `, ${profile.examples} examples` : ''}` +
    `${profile.criterion ? `, criterion ${profile.criterion}` : ''})`;
  const heads = profile.entries
    .filter((e) => e.perHead?.length)
    .map((e) => `  ${e.group} heads alone: ${e.perHead!.map((h) => `h${h.head} ${fix(h.drop)}`).join(', ')}`);
  return [
    title,
    line(header),
    ...rows.map(line),
    ...(heads.length ? ['', 'drop when one head is removed:', ...heads] : []),
  ].join('\n');
}
