import { PassThrough } from 'node:stream';

/** In-memory stdin/stdout/stderr for runCli, with what was written readable afterwards. */
export function cliIo(input = '') {
  const stdin = new PassThrough();
  stdin.end(input);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { streams: { stdin, stdout, stderr }, out: () => out, err: () => err };
}
