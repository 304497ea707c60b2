import { createInterface } from 'node:readline';
import { scanText } from './scan.js';

/** A line of the input that is not a `{"id","text"}` object. */
export class JsonlInputError extends Error {
  constructor(
    readonly lineNumber: number,
    reason: string,
  ) {
    super(`line ${lineNumber}: ${reason}`);
    this.name = 'JsonlInputError';
  }
}

function parseLine(line: string, lineNumber: number): { id: string; text: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new JsonlInputError(lineNumber, `not valid JSON (${(error as Error).message})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new JsonlInputError(lineNumber, 'expected a JSON object with "id" and "text"');
  }
  const { id, text } = value as { id?: unknown; text?: unknown };
  if (typeof id !== 'string' && typeof id !== 'number') throw new JsonlInputError(lineNumber, '"id" must be a string');
  if (typeof text !== 'string') throw new JsonlInputError(lineNumber, '"text" must be a string');
  return { id: String(id), text };
}

function write(output: NodeJS.WritableStream, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = output.write(chunk, (error) => {
      if (error) reject(error);
    });
    if (ok) resolve();
    else output.once('drain', resolve);
  });
}

/**
 * Reads JSONL `{"id","text"}` and writes one line `{"id","spans":[{"start","end","type"}]}` per
 * input line, in order. Blank lines are skipped. Stops at the first malformed line with a
 * JsonlInputError naming it; lines before it have already been written.
 */
export async function scanJsonl(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<{ lines: number }> {
  const reader = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let lines = 0;
  for await (const line of reader) {
    lineNumber++;
    if (line.trim() === '') continue;
    const { id, text } = parseLine(line, lineNumber);
    const spans = scanText(text).map(({ start, end, type }) => ({ start, end, type }));
    await write(output, `${JSON.stringify({ id, spans })}\n`);
    lines++;
  }
  return { lines };
}
