const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids are opaque strings to clients; ours are UUIDs. Anything else names nothing we have, so
 * callers answer 404 rather than letting the database reject the cast (a 500).
 */
export function isId(id: string): boolean {
  return UUID.test(id);
}

export const UUID_PATTERN = UUID;
