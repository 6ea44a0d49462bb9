/**
 * Tiny dependency-free SVG charts. Each is a pure function from plain data to a
 * standalone SVG string (title, axis labels, tooltips via <title>), readable
 * offline and embeddable inline in HTML reports.
 *
 * - `horizontalBarChart({ title, xLabel, bars: [{ label, value, note?, color? }], sort? })`
 * - `groupedBarChart({ title, yLabel, categories, series: [{ name, values }] })` (dense vs pruned per slice)
 * - `lineChart({ title, xLabel, yLabel, series: [{ name, points: [[x, y]] }], logX? })` (latency vs batch size)
 * - `sensitivityChart(profile)`: a SensitivityProfile as a sorted bar chart
 */
export { horizontalBarChart, type Bar, type BarChartSpec } from './bar-chart.js';
export { groupedBarChart, type GroupedBarChartSpec } from './grouped-bar-chart.js';
export { lineChart, type LineChartSpec } from './line-chart.js';
export { sensitivityChart } from './sensitivity-chart.js';
