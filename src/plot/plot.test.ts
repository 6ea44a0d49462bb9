import { describe, expect, it } from 'vitest';
import { groupedBarChart, horizontalBarChart, lineChart, sensitivityChart } from './index.js';
import { niceTicks } from './svg.js';

/** Well-formed enough for a browser: balanced tags, one root, no NaN coordinates. */
function wellFormed(svg: string): void {
  expect(
    svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'),
    'svg.startsWith(\'<svg xmlns="http://www.w3.org/2000/svg"\')',
  ).toBe(true);
  expect(svg.trimEnd().endsWith('</svg>'), "svg.trimEnd().endsWith('</svg>')").toBe(true);
  expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  const open = (svg.match(/<(?!\/)[a-z]+[^>]*[^/]>/g) ?? []).length;
  const close = (svg.match(/<\/[a-z]+>/g) ?? []).length;
  expect(open).toBe(close);
}

describe('plots', () => {
  it('bar chart: sorted, labelled, escaped, negative values drawn left of zero', () => {
    const svg = horizontalBarChart({
      title: 'Drop <&>',
      xLabel: 'points',
      bars: [
        { label: 'b', value: -2 },
        { label: 'a', value: 9 },
        { label: 'c', value: 3 },
      ],
    });
    wellFormed(svg);
    expect(svg).toContain('Drop &lt;&amp;&gt;');
    expect(svg.indexOf('>a<')).toBeLessThan(svg.indexOf('>c<'));
    expect(svg.indexOf('>c<')).toBeLessThan(svg.indexOf('>b<'));
    expect(svg).toContain('>points<');
  });

  it('grouped bars and line chart with log x', () => {
    wellFormed(
      groupedBarChart({
        title: 'slices',
        yLabel: 'accuracy',
        categories: ['all', 'rare'],
        series: [
          { name: 'dense', values: [97, 79] },
          { name: 'pruned', values: [96, 61] },
        ],
      }),
    );
    const line = lineChart({
      title: 'latency',
      xLabel: 'batch size',
      yLabel: 'ms',
      logX: true,
      series: [
        {
          name: 'dense',
          points: [
            [1, 0.5],
            [8, 2],
            [64, 11],
          ],
        },
      ],
    });
    wellFormed(line);
    expect(line).toContain('>64<');
    expect(line).toContain('<polyline');
  });

  it('empty inputs still give a valid chart', () => {
    wellFormed(horizontalBarChart({ title: 'none', bars: [] }));
    wellFormed(lineChart({ title: 'none', series: [] }));
    wellFormed(groupedBarChart({ title: 'none', categories: [], series: [] }));
  });

  it('sensitivity chart from a profile', () => {
    const svg = sensitivityChart({
      metric: 'accuracy',
      ratios: [0.2],
      entries: [
        { group: 'conv1', sensitivity: 8, probeRatio: 0.2, params: 10, depth: 0, kind: 'conv' },
        { group: 'ln', sensitivity: 1, probeRatio: 0.2, params: 10, depth: 0.5, kind: 'linear', evaluation: 'pruned' },
      ],
    });
    wellFormed(svg);
    expect(svg).toContain('(pruned)');
  });

  it('nice ticks cover the range in 1/2/5 steps', () => {
    expect(niceTicks(0, 9.3)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(-3, 12)).toEqual([-5, 0, 5, 10, 15]);
  });
});
