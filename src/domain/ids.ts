import { z } from 'zod';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids are opaque strings to clients; ours are UUIDs. Anything else names nothing we have, so
 * callers answer 404 rather than letting the database reject the cast (a 500).
 */
export function isId(id: string): boolean {
  return UUID.test(id);
}

export const UUID_PATTERN = UUID;

/**
 * The one schema for an id in a path. Any short string passes the edge: one that is not a
 * UUID is a 404 from the service (nothing has that id), not a 400.
 */
export const idParam = z.string().max(100);
export const idParams = z.object({ id: idParam });
