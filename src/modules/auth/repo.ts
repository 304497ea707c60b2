import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { loginFailures } from '../../db/schema/index.js';

export async function insertLoginFailure(db: DbOrTx, values: { emailKey: string; ip: string | null; at: Date }): Promise<void> {
  await db.insert(loginFailures).values(values);
}

/**
 * Failures since `since` for the account (any address), for the address (any account) and for
 * the pair, counted in one round trip.
 */
export async function countLoginFailures(
  db: DbOrTx,
  key: { emailKey: string; ip: string | null },
  since: Date,
): Promise<{ account: number; ip: number; pair: number }> {
  const sameIp = key.ip ? sql`${loginFailures.ip} = ${key.ip}::inet` : sql`${loginFailures.ip} is null`;
  const [row] = await db
    .select({
      account: sql<number>`count(*) filter (where ${loginFailures.emailKey} = ${key.emailKey})`.mapWith(Number),
      ip: key.ip ? sql<number>`count(*) filter (where ${sameIp})`.mapWith(Number) : sql<number>`0`.mapWith(Number),
      pair: sql<number>`count(*) filter (where ${loginFailures.emailKey} = ${key.emailKey} and ${sameIp})`.mapWith(Number),
    })
    .from(loginFailures)
    .where(and(gte(loginFailures.at, since), key.ip ? sql`(${loginFailures.emailKey} = ${key.emailKey} or ${sameIp})` : eq(loginFailures.emailKey, key.emailKey)));
  return { account: row?.account ?? 0, ip: row?.ip ?? 0, pair: row?.pair ?? 0 };
}

/**
 * The time of the n-th most recent failure of one account from one address since `since`:
 * once it leaves the window, the count drops below n again.
 */
export async function nthRecentFailureAt(
  db: DbOrTx,
  key: { emailKey: string; ip: string | null },
  since: Date,
  n: number,
): Promise<Date | undefined> {
  const sameIp = key.ip ? sql`${loginFailures.ip} = ${key.ip}::inet` : sql`${loginFailures.ip} is null`;
  const [row] = await db
    .select({ at: loginFailures.at })
    .from(loginFailures)
    .where(and(eq(loginFailures.emailKey, key.emailKey), sameIp, gte(loginFailures.at, since)))
    .orderBy(desc(loginFailures.at))
    .offset(n - 1)
    .limit(1);
  return row?.at;
}

/** The failures of one account from one address (its holder has just logged in from there). */
export async function clearPairFailures(db: DbOrTx, key: { emailKey: string; ip: string | null }): Promise<void> {
  const sameIp = key.ip ? sql`${loginFailures.ip} = ${key.ip}::inet` : sql`${loginFailures.ip} is null`;
  await db.delete(loginFailures).where(and(eq(loginFailures.emailKey, key.emailKey), sameIp));
}

/** Rows older than the window are never read again. */
export async function pruneLoginFailures(db: DbOrTx, before: Date): Promise<number> {
  const rows = await db.delete(loginFailures).where(lt(loginFailures.at, before)).returning({ id: loginFailures.id });
  return rows.length;
}

