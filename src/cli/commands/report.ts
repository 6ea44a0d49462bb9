/** `pruneguard report`: renders reports/ from the last run, or merges shard parts into one report. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readCoverage } from '../../report/coverage.js';
import { mergeParts, readPart } from '../../report/merge.js';
import { buildReport } from '../../report/model.js';
import { formatSummary } from '../../report/summary.js';
import { writeReport } from '../../report/write.js';
import { PruneguardError } from '../../errors.js';
import { defineCommand, EXIT } from '../command.js';
import { opt } from '../options.js';
import { checkFolder } from '../../fs/owned-folder.js';

export const reportCommand = defineCommand({
  name: 'report',
  usage: '[--merge PART ...] [--out DIR] [--coverage DIR] [--root DIR] [--json]',
  description: `With --merge, merges report parts (written by \`pruneguard run --shard i/n --part FILE\`
or by the test suite with PRUNEGUARD_REPORT_PART=FILE) into one report.
Without it, re-renders the report from DIR/part.json of the last run, e.g. to add
the coverage of a later \`npx vitest run --coverage\` (default coverage/).
Writes DIR/report.{json,md,html} atomically (default DIR: reports).`,
  exitCodes: '0 report written and all good, 1 written with failures, 2 bad input.',
  options: {
    merge: opt.repeated('PART', 'report parts to merge (the rest of a shell glob may follow as arguments)'),
    out: opt.path('DIR', 'where the report is written (default reports)'),
    coverage: opt.path('DIR', 'V8 coverage folder (default coverage)'),
    root: opt.path('DIR', 'the project folder (default .)'),
    json: opt.flag('print {ok, out, files} as JSON on stdout'),
  },
  async run({ values, positionals }, io) {
    const root = resolve(values.root ?? '.');
    const out = resolve(root, values.out ?? 'reports');
    checkFolder(out, 'report');
    const merging = values.merge.length > 0;
    // `--merge a.json b.json` (shell glob) leaves the rest as positionals.
    const files = [...values.merge, ...(merging ? positionals : [])];
    if (!merging && positionals.length)
      throw new PruneguardError(
        'E_BAD_ARGUMENT',
        `unexpected argument '${positionals[0]}' (did you mean --merge ${positionals.join(' ')}?)`,
      );
    if (!merging && !existsSync(resolve(out, 'part.json')))
      throw new PruneguardError(
        'E_FILE_NOT_FOUND',
        `no ${resolve(out, 'part.json')}: run \`pruneguard run\` first, or pass --merge PART...`,
      );
    const part = mergeParts((merging ? files : [resolve(out, 'part.json')]).map((f) => readPart(resolve(f))));
    const report = buildReport(part, readCoverage(resolve(root, values.coverage ?? 'coverage'), root));
    writeReport(out, report, part);
    io.out(
      values.json
        ? JSON.stringify(
            { ok: report.ok, out, files: ['report.json', 'report.md', 'report.html'].map((f) => resolve(out, f)) },
            null,
            2,
          )
        : formatSummary(report, out),
    );
    return report.ok ? EXIT.ok : EXIT.findings;
  },
});
