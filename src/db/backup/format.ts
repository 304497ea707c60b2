/**
 * The Curbside backup file, version 1. The whole file is gzip. Decompressed, it is:
 *
 *   one line of JSON, the header (BackupHeader), ending in "\n";
 *   then frames, each [kind: 1 ASCII byte][length: uint32 big-endian][payload: length bytes]:
 *     'T'  JSON {table, columns}: a table starts; its rows follow in the listed column order
 *     'D'  raw bytes of `COPY table (columns) TO STDOUT (FORMAT binary)` (any number of frames)
 *     'E'  JSON {table, rows}: the table ends; rows is COPY's own count, checked on restore
 *     'Z'  JSON {tables, rows}: the end of the backup (a file without it is truncated)
 *
 * Tables come parents first (foreign-key order), so a restore can COPY them in file order with
 * every constraint on. Generated columns are left out (PostgreSQL recomputes them); sequences are
 * set past the restored ids. PostgreSQL's binary COPY format is documented and stable across
 * versions, so a backup restores on any PostgreSQL that can run the same migrations.
 */
export const BACKUP_FORMAT = 'curbside-backup';
export const BACKUP_VERSION = 1;

export interface MigrationLevel {
  /** How many of the committed migrations had been applied. */
  count: number;
  /** The `when` of the last applied one (drizzle's created_at), naming it exactly. */
  lastWhen: number | null;
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  createdAt: string;
  server: string;
  copyFormat: 'binary';
  migrations: MigrationLevel;
  tables: string[];
}

export interface TableStart {
  table: string;
  columns: string[];
}

export interface TableEnd {
  table: string;
  rows: number;
}

export interface BackupEnd {
  tables: number;
  rows: number;
}

export type FrameKind = 'T' | 'D' | 'E' | 'Z';

export function encodeFrame(kind: FrameKind, payload: Buffer | object): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload));
  const head = Buffer.alloc(5);
  head.write(kind, 0, 'ascii');
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
}

export function encodeHeader(header: BackupHeader): Buffer {
  return Buffer.from(JSON.stringify(header) + '\n');
}

export class BackupFormatError extends Error {
  override name = 'BackupFormatError';
}

export type BackupItem =
  | { kind: 'header'; header: BackupHeader }
  | { kind: 'T'; start: TableStart }
  | { kind: 'D'; data: Buffer }
  | { kind: 'E'; end: TableEnd }
  | { kind: 'Z'; end: BackupEnd };

const MAX_HEADER_BYTES = 1 << 20;

function parseHeader(line: string): BackupHeader {
  let header: Partial<BackupHeader>;
  try {
    header = JSON.parse(line) as Partial<BackupHeader>;
  } catch {
    throw new BackupFormatError('not a Curbside backup (the first line is not JSON)');
  }
  if (header.format !== BACKUP_FORMAT) throw new BackupFormatError('not a Curbside backup');
  if (header.version !== BACKUP_VERSION) {
    throw new BackupFormatError(`backup format version ${String(header.version)} is not supported (this version reads ${BACKUP_VERSION})`);
  }
  return header as BackupHeader;
}

/** Reads a decompressed backup stream into its header and frames, in order. */
export async function* readBackup(input: AsyncIterable<Buffer | string>): AsyncGenerator<BackupItem> {
  let buffer: Buffer = Buffer.alloc(0);
  let headerRead = false;
  let ended = false;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    buffer = buffer.length ? Buffer.concat([buffer, bytes]) : bytes;
    if (!headerRead) {
      const newline = buffer.indexOf(0x0a);
      if (newline < 0) {
        if (buffer.length > MAX_HEADER_BYTES) throw new BackupFormatError('not a Curbside backup (no header line)');
        continue;
      }
      yield { kind: 'header', header: parseHeader(buffer.subarray(0, newline).toString('utf8')) };
      buffer = buffer.subarray(newline + 1);
      headerRead = true;
    }
    while (buffer.length >= 5) {
      const kind = String.fromCharCode(buffer[0]!);
      const length = buffer.readUInt32BE(1);
      if (buffer.length < 5 + length) break;
      const payload = buffer.subarray(5, 5 + length);
      buffer = buffer.subarray(5 + length);
      if (ended) throw new BackupFormatError('data after the end of the backup');
      if (kind === 'D') yield { kind: 'D', data: Buffer.from(payload) };
      else if (kind === 'T') yield { kind: 'T', start: JSON.parse(payload.toString('utf8')) as TableStart };
      else if (kind === 'E') yield { kind: 'E', end: JSON.parse(payload.toString('utf8')) as TableEnd };
      else if (kind === 'Z') {
        ended = true;
        yield { kind: 'Z', end: JSON.parse(payload.toString('utf8')) as BackupEnd };
      } else throw new BackupFormatError(`unknown frame kind ${JSON.stringify(kind)}`);
    }
  }
  if (!headerRead) throw new BackupFormatError('not a Curbside backup (empty or no header line)');
  if (!ended || buffer.length) throw new BackupFormatError('the backup is truncated (no end frame)');
}
