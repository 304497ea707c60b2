import type pg from 'pg';
import type { MigrationLevel } from './format.js';

/** The application's tables in the `public` schema, parents before children. */
export async function tablesInForeignKeyOrder(client: pg.ClientBase): Promise<string[]> {
  const tables = await client.query<{ name: string }>(
    `select c.relname as name from pg_class c
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
      order by c.relname`,
  );
  const links = await client.query<{ child: string; parent: string }>(
    `select child.relname as child, parent.relname as parent
       from pg_constraint k
       join pg_class child on child.oid = k.conrelid
       join pg_class parent on parent.oid = k.confrelid
      where k.contype = 'f' and k.connamespace = 'public'::regnamespace`,
  );
  const parents = new Map<string, Set<string>>(tables.rows.map((t) => [t.name, new Set<string>()]));
  for (const { child, parent } of links.rows) {
    if (child !== parent) parents.get(child)?.add(parent);
  }
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (placed.size < parents.size) {
    const ready = [...parents].filter(([name, of]) => !placed.has(name) && [...of].every((p) => placed.has(p)));
    if (ready.length === 0) throw new Error('the tables\' foreign keys form a cycle; cannot order them for a backup');
    for (const [name] of ready) {
      ordered.push(name);
      placed.add(name);
    }
  }
  return ordered;
}

/** Stored columns in table order; generated ones are recomputed by PostgreSQL on restore. */
export async function storedColumns(client: pg.ClientBase, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `select a.attname as name from pg_attribute a
      where a.attrelid = to_regclass('public.' || quote_ident($1)) and a.attnum > 0
        and not a.attisdropped and a.attgenerated = ''
      order by a.attnum`,
    [table],
  );
  return rows.map((r) => r.name);
}

/** How far drizzle's migrations have gone on this database; count 0 when never migrated. */
export async function migrationLevel(client: pg.ClientBase): Promise<MigrationLevel> {
  const exists = await client.query<{ t: string | null }>(`select to_regclass('drizzle.__drizzle_migrations')::text as t`);
  if (!exists.rows[0]?.t) return { count: 0, lastWhen: null };
  const { rows } = await client.query<{ count: string; last: string | null }>(
    'select count(*) as count, max(created_at)::text as last from drizzle.__drizzle_migrations',
  );
  return { count: Number(rows[0]!.count), lastWhen: rows[0]!.last === null ? null : Number(rows[0]!.last) };
}

/** Moves every sequence owned by a column past the largest value restored into it. */
export async function advanceSequences(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ seq: string; tbl: string; col: string }>(
    `select s.oid::regclass::text as seq, t.relname as tbl, a.attname as col
       from pg_class s
       join pg_depend d on d.objid = s.oid and d.deptype in ('a', 'i')
       join pg_class t on t.oid = d.refobjid
       join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
      where s.relkind = 'S' and t.relnamespace = 'public'::regnamespace`,
  );
  for (const { seq, tbl, col } of rows) {
    await client.query(
      `select setval($1::regclass, m, true) from (select max(${client.escapeIdentifier(col)}) as m from ${client.escapeIdentifier(tbl)}) x where m is not null`,
      [seq],
    );
  }
}
