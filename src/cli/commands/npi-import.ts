import { existsSync } from 'node:fs';
import { systemAuditContext } from '../../modules/audit/service.js';
import { importNppesFile, type ImportProgress } from '../../modules/registry/import.js';
import { parseOptions, UsageError, type Command, withDatabase } from '../command.js';

function progressPrinter(stderr: NodeJS.WritableStream): ((p: ImportProgress) => void) | undefined {
  if (!(stderr as { isTTY?: boolean }).isTTY) return undefined;
  const started = Date.now();
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (now - last < 500 && p.bytesRead < p.totalBytes) return;
    last = now;
    const percent = p.totalBytes ? ((100 * p.bytesRead) / p.totalBytes).toFixed(1) : '100.0';
    const rate = Math.round(p.rowsRead / Math.max(0.001, (now - started) / 1000));
    stderr.write(`\r${percent.padStart(5)}%  ${p.rowsRead.toLocaleString('en-US')} rows  ${rate.toLocaleString('en-US')} rows/s   `);
  };
}

export const npiImportCommand: Command = {
  words: ['npi', 'import'],
  usage: 'npi import FILE.csv',
  summary: 'import or re-import an NPPES provider file into the NPI registry',
  async run({ args, stdout, stderr }) {
    const { positionals } = parseOptions(args, {});
    if (positionals.length !== 1) throw new UsageError('give exactly one NPPES file');
    const file = positionals[0]!;
    if (!existsSync(file)) throw new Error(`no such file: ${file}`);
    const started = Date.now();
    await withDatabase(stderr, async (database, services) => {
      const onProgress = progressPrinter(stderr);
      const counts = await importNppesFile(database.pool, file, { onProgress });
      if (onProgress) stderr.write('\n');
      const recheck = await services.verification.recheckRegistry({ audit: systemAuditContext });
      const seconds = (Date.now() - started) / 1000;
      const lines = [
        ['rows read', counts.rowsRead],
        ['inserted', counts.inserted],
        ['updated', counts.updated],
        ['unchanged', counts.unchanged],
        ['deactivated', counts.deactivated],
        ['skipped (invalid)', counts.skipped],
        ['physicians suspended', recheck.suspended],
        ['pending requests re-checked', recheck.refreshed],
      ] as const;
      for (const [label, value] of lines) stdout.write(`${`${label}:`.padEnd(30)}${value}\n`);
      stdout.write(`${'seconds:'.padEnd(30)}${seconds.toFixed(1)}\n`);
    });
  },
};
