import { createReadStream } from 'node:fs';
import { scanJsonl } from '../../modules/phi/jsonl.js';
import { parseOptions, UsageError, type Command } from '../command.js';

export const phiScanCommand: Command = {
  words: ['phi', 'scan'],
  usage: 'phi scan [FILE]',
  summary: 'scan JSONL {"id","text"} (stdin by default) and write JSONL {"id","spans"}',
  async run({ args, stdin, stdout, stderr }) {
    const { positionals } = parseOptions(args, {});
    if (positionals.length > 1) throw new UsageError('give at most one file');
    const file = positionals[0];
    const input = file && file !== '-' ? createReadStream(file) : stdin;
    if (file && file !== '-') {
      await new Promise<void>((resolve, reject) => {
        (input as ReturnType<typeof createReadStream>).once('open', () => resolve()).once('error', (error) => reject(new UsageError(`cannot read ${file}: ${error.message}`)));
      });
    }
    const { lines } = await scanJsonl(input, stdout);
    stderr.write(`scanned ${lines} line${lines === 1 ? '' : 's'}\n`);
  },
};
