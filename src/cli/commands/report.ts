/** `pruneguard report`: renders reports/ from the last run, or merges shard parts into one report. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readCoverage } from '../../report/coverage.js';
import { mergeParts, readPart } from '../../report/merge.js';
import { buildReport } from '../../report/model.js';
import { formatSummary } from '../../report/summary.js';
import { writeReport } from '../../report/write.js';
import { PruneguardError } from '../../errors.js';
import { EXIT, type Command } from '../command.js';

export const reportCommand: Command = {
  name: 'report',
  help: `Usage: pruneguard report [--merge PART ...] [--out DIR] [--coverage DIR] [--root DIR]

With --merge, merges report parts (written by \`pruneguard run --shard i/n --part FILE\`
or by the test suite with PRUNEGUARD_REPORT_PART=FILE) into one report.
Without it, re-renders the report from DIR/part.json of the last run, e.g. to add
the coverage of a later \`npx vitest run --coverage\` (default coverage/).
Writes DIR/report.{json,md,html} atomically (default DIR: reports).

Exit codes: 0 report written and all good, 1 written with failures, 2 bad input.`,
  options: { merge: { type: 'string', multiple: true }, out: { type: 'string' }, coverage: { type: 'string' }, root: { type: 'string' } },
  async run({ values, positionals }, io) {
    const root = resolve(String(values.root ?? '.'));
    const out = resolve(root, String(values.out ?? 'reports'));
    // `--merge a.json b.json` (shell glob) leaves the rest as positionals.
    const files = [...((values.merge as string[] | undefined) ?? []), ...(values.merge ? positionals : [])];
    if (!values.merge && positionals.length) throw new PruneguardError('E_BAD_ARGUMENT', `unexpected argument '${positionals[0]}' (did you mean --merge ${positionals.join(' ')}?)`);
    if (!values.merge && !existsSync(resolve(out, 'part.json'))) throw new PruneguardError('E_FILE_NOT_FOUND', `no ${resolve(out, 'part.json')}: run \`pruneguard run\` first, or pass --merge PART...`);
    const part = mergeParts((values.merge ? files : [resolve(out, 'part.json')]).map((f) => readPart(resolve(f))));
    const report = buildReport(part, readCoverage(resolve(root, String(values.coverage ?? 'coverage')), root));
    writeReport(out, report, part);
    io.out(formatSummary(report, out));
    return report.ok ? EXIT.ok : EXIT.findings;
  },
};
