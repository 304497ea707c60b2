/**
 * Preloaded into the benchmarked server (`node --import ./bench/query-probe.ts`): counts the
 * SQL statements the process sends and how long each takes to answer. Off until the first
 * SIGUSR2; the second SIGUSR2 writes the tally to BENCH_PROBE_FILE as JSON and turns it off.
 * The bench sends requests one at a time in between, so time per statement is not queueing.
 */
import { writeFileSync } from 'node:fs';
import pg from 'pg';

interface Tally {
  count: number;
  totalMs: number;
}

let recording = false;
let tallies = new Map<string, Tally>();

/** The statement's shape: whitespace folded, literal parameters are $n already. */
const shapeOf = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 110);

const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function probedQuery(this: pg.Client, ...args: unknown[]) {
  if (!recording) return original.apply(this, args);
  const config = args[0] as string | { text?: string; callback?: unknown };
  const text = typeof config === 'string' ? config : (config?.text ?? '?');
  const started = performance.now();
  const record = () => {
    const key = shapeOf(text);
    const tally = tallies.get(key) ?? { count: 0, totalMs: 0 };
    tally.count += 1;
    tally.totalMs += performance.now() - started;
    tallies.set(key, tally);
  };
  // pg.Pool#query calls the client with a callback; drizzle's transactions use the promise.
  const last = args.length - 1;
  if (typeof args[last] === 'function') {
    const callback = args[last] as (...r: unknown[]) => void;
    args[last] = (...r: unknown[]) => {
      record();
      callback(...r);
    };
    return original.apply(this, args);
  }
  const result = original.apply(this, args);
  if (result instanceof Promise) result.then(record, record);
  return result;
} as typeof pg.Client.prototype.query;

process.on('SIGUSR2', () => {
  if (!recording) {
    tallies = new Map();
    recording = true;
    return;
  }
  recording = false;
  const file = process.env.BENCH_PROBE_FILE;
  if (file) writeFileSync(file, JSON.stringify([...tallies].map(([sql, t]) => ({ sql, ...t }))));
});
