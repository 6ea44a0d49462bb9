/** Findings as text, formatted once at the very end (tests, CLI, reports). */
import type { Finding } from '../findings.js';

/** One finding as text: invariant, message, expected and received. */
export function formatFinding(f: Finding): string {
  const lines = [`[${f.failureMode}] ${f.invariant}${f.where ? ` @ ${f.where}` : ''}: ${f.message}`];
  if (f.expected !== undefined) lines.push(`    expected: ${show(f.expected)}`);
  if (f.received !== undefined) lines.push(`    received: ${show(f.received)}`);
  return lines.join('\n');
}

/** Findings as text, one block per finding. */
export function formatFindings(findings: readonly Finding[]): string {
  return findings.map(formatFinding).join('\n');
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 300 ? `${s.slice(0, 297)}...` : s;
}
