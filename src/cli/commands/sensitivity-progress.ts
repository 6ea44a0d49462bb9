/**
 * A one-line progress bar on stderr for long sweeps. Thirty lines instead of a
 * dependency: it only needs \r, a throttle and an ETA. Silent when stderr is
 * not a terminal (pipes, CI logs, tests), so machine output stays clean.
 */
import type { SensitivityProgress } from '../../analysis/sensitivity.js';

export interface ProgressBar {
  update(p: SensitivityProgress): void;
  done(): void;
}

export function progressBar(stream: NodeJS.WriteStream = process.stderr, width = 24): ProgressBar {
  if (!stream.isTTY) return { update() {}, done() {} };
  const start = Date.now();
  let last = 0;
  let cached = 0;
  let shown = false;
  return {
    update(p) {
      if (p.cached) cached++;
      const now = Date.now();
      if (now - last < 100 && p.done < p.total) return;
      last = now;
      const filled = Math.round((p.done / p.total) * width);
      const measured = p.done - cached;
      const eta = measured > 0 ? ((now - start) / measured) * (p.total - p.done) : 0;
      const line =
        `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.done}/${p.total} ${p.group} @` +
        `${p.ratio}${cached ? ` · ${cached} cached` : ''}${eta > 0 ? ` · ETA ${(eta / 1000).toFixed(0)}s` : ''}`;
      stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 100) - 1)}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
