import { and, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { loginFailures } from '../../db/schema/index.js';

export async function insertLoginFailure(db: DbOrTx, values: { emailKey: string; ip: string | null; at: Date }): Promise<void> {
  await db.insert(loginFailures).values(values);
}

/** Failures since `since` for the account and for the IP, counted in one round trip. */
export async function countLoginFailures(
  db: DbOrTx,
  key: { emailKey: string; ip: string | null },
  since: Date,
): Promise<{ account: number; ip: number }> {
  const [row] = await db
    .select({
      account: sql<number>`count(*) filter (where ${loginFailures.emailKey} = ${key.emailKey})`.mapWith(Number),
      ip: key.ip ? sql<number>`count(*) filter (where ${loginFailures.ip} = ${key.ip}::inet)`.mapWith(Number) : sql<number>`0`.mapWith(Number),
    })
    .from(loginFailures)
    .where(
      and(
        gte(loginFailures.at, since),
        key.ip ? sql`(${loginFailures.emailKey} = ${key.emailKey} or ${loginFailures.ip} = ${key.ip}::inet)` : eq(loginFailures.emailKey, key.emailKey),
      ),
    );
  return { account: row?.account ?? 0, ip: row?.ip ?? 0 };
}

/**
 * The time of the n-th most recent failure since `since` for one key: once it leaves the
 * window, the count drops below n again.
 */
export async function nthRecentFailureAt(
  db: DbOrTx,
  key: { emailKey: string } | { ip: string },
  since: Date,
  n: number,
): Promise<Date | undefined> {
  const match = 'emailKey' in key ? eq(loginFailures.emailKey, key.emailKey) : sql`${loginFailures.ip} = ${key.ip}::inet`;
  const [row] = await db
    .select({ at: loginFailures.at })
    .from(loginFailures)
    .where(and(match, gte(loginFailures.at, since)))
    .orderBy(desc(loginFailures.at))
    .offset(n - 1)
    .limit(1);
  return row?.at;
}

export async function clearAccountFailures(db: DbOrTx, emailKey: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.emailKey, emailKey));
}

/** Rows older than the window are never read again. */
export async function pruneLoginFailures(db: DbOrTx, before: Date): Promise<number> {
  const rows = await db.delete(loginFailures).where(lt(loginFailures.at, before)).returning({ id: loginFailures.id });
  return rows.length;
}

