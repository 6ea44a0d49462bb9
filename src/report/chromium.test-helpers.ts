/**
 * Renders a local HTML file in Debian's headless chromium and returns the
 * DOM after load plus any console errors — used by the report test to prove
 * the page renders offline. Network is off; the profile is a throwaway dir.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

export async function renderInChromium(
  file: string,
  timeoutMs = 60_000,
): Promise<{ dom: string; consoleErrors: string[] }> {
  const profile = mkdtempSync(join(tmpdir(), 'pruneguard-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    `--user-data-dir=${profile}`,
    '--enable-logging=stderr',
    '--v=0',
    '--dump-dom',
    pathToFileURL(file).href,
  ];
  try {
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
      execFile(CHROMIUM, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
        err ? reject(new Error(`${CHROMIUM} failed: ${err.message}\n${stderr}`)) : resolve({ stdout, stderr }),
      );
    });
    // Console messages are logged as "CONSOLE(line)" / ":CONSOLE:"; page errors as "Uncaught".
    const consoleErrors = stderr.split('\n').filter((l) => /CONSOLE|Uncaught|Failed to load resource/.test(l));
    return { dom: stdout, consoleErrors };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}
