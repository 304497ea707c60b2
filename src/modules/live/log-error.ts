/**
 * What a live log line may say about a failure: the driver's own message and code, never the
 * SQL text or parameters a query-builder error carries (they can hold ids and content).
 */
export function safeError(error: unknown): { code?: string; message: string } {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (!(cause instanceof Error)) return { message: 'unknown error' };
  const code = (cause as { code?: unknown }).code;
  const message = /failed query|params:/i.test(cause.message) ? cause.name : cause.message;
  return typeof code === 'string' ? { code, message } : { message };
}
