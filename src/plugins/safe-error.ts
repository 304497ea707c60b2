/**
 * Database errors carry the SQL text and its parameters (drizzle's message is "Failed query:
 * … params: …", and PostgreSQL's own messages and `detail` quote values: an applicant's name,
 * an e-mail, an NPI). Logs get only what identifies the failure, never a value.
 */

interface PgErrorFields {
  code?: unknown;
  severity?: unknown;
  routine?: unknown;
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
}

/** The PostgreSQL error (with its SQLSTATE) somewhere in the cause chain, or undefined. */
export function databaseErrorOf(error: unknown): (Error & PgErrorFields & { code: string }) | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const candidate = current as Error & PgErrorFields;
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code) && 'severity' in candidate) {
      return candidate as Error & PgErrorFields & { code: string };
    }
    current = (candidate as { cause?: unknown }).cause;
  }
  return undefined;
}

function isDatabaseError(error: unknown): boolean {
  if (databaseErrorOf(error)) return true;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    if ('query' in current || 'params' in current) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

const SAFE = Symbol('safe for logs');

/** Stack frames only: the first lines of a stack repeat the message. */
function framesOf(error: unknown): string {
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 15)
    .join('\n');
}

/**
 * What may be logged about an error. Database errors become their class, SQLSTATE, table,
 * column, constraint and stack frames; other errors keep their message.
 */
export function safeErrorForLog(error: unknown): { type: string; message: string; stack: string; [key: string]: unknown } {
  if (!(error instanceof Error)) {
    // Already made safe (the logger's err serializer sees what handlers made of an error).
    if (error && typeof error === 'object' && SAFE in error) return error as unknown as ReturnType<typeof safeErrorForLog>;
    return { type: typeof error, message: 'non-error thrown', stack: '' };
  }
  if (!isDatabaseError(error)) {
    return { [SAFE]: true, type: error.name, message: error.message, code: (error as { code?: unknown }).code, stack: framesOf(error) };
  }
  const pg = databaseErrorOf(error);
  return {
    [SAFE]: true,
    type: error.name,
    message: pg ? `database error ${pg.code}` : 'database query failed',
    sqlState: pg?.code,
    routine: pg?.routine,
    table: pg?.table,
    column: pg?.column,
    constraint: pg?.constraint,
    stack: framesOf(error),
  };
}
