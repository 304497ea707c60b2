import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

/**
 * Raw SQL on one dedicated connection: COPY needs the driver's client, and the temp staging
 * table lives on that connection only. Every batch runs in its own transaction and the staging
 * table empties itself at commit.
 */
export const STAGING_COLUMNS =
  'npi, entity_type, last_name, first_name, middle_name, credential, practice_state, taxonomy_codes, primary_taxonomy, licence_numbers, licence_states, deactivation_date, reactivation_date, last_update_date, enumeration_date';

export async function createStagingTable(client: pg.PoolClient): Promise<void> {
  await client.query(`
    create temp table if not exists npi_staging (
      npi char(10) not null,
      entity_type smallint,
      last_name text,
      first_name text,
      middle_name text,
      credential text,
      practice_state text,
      taxonomy_codes text[] not null,
      primary_taxonomy text,
      licence_numbers text[] not null,
      licence_states text[] not null,
      deactivation_date date,
      reactivation_date date,
      last_update_date date,
      enumeration_date date
    ) on commit delete rows`);
}

export async function copyIntoStaging(client: pg.PoolClient, text: string): Promise<void> {
  const stream = client.query(copyFrom(`copy npi_staging (${STAGING_COLUMNS}) from stdin`));
  await pipeline(Readable.from([text]), stream);
}

/**
 * Merges the staged batch into npi_registry. A blank in the file never wipes what the table
 * holds (deactivated rows carry little more than the NPI and the date), except for the
 * deactivation and reactivation dates, which the file states in full. Rows whose merged values
 * equal the stored ones are not written at all, so a re-import changes nothing.
 */
const MERGED = {
  entity_type: 'coalesce(excluded.entity_type, r.entity_type)',
  last_name: 'coalesce(excluded.last_name, r.last_name)',
  first_name: 'coalesce(excluded.first_name, r.first_name)',
  middle_name: 'coalesce(excluded.middle_name, r.middle_name)',
  credential: 'coalesce(excluded.credential, r.credential)',
  practice_state: 'coalesce(excluded.practice_state, r.practice_state)',
  taxonomy_codes: 'case when cardinality(excluded.taxonomy_codes) > 0 then excluded.taxonomy_codes else r.taxonomy_codes end',
  primary_taxonomy: 'case when cardinality(excluded.taxonomy_codes) > 0 then excluded.primary_taxonomy else r.primary_taxonomy end',
  licence_numbers: 'case when cardinality(excluded.licence_numbers) > 0 then excluded.licence_numbers else r.licence_numbers end',
  licence_states: 'case when cardinality(excluded.licence_numbers) > 0 then excluded.licence_states else r.licence_states end',
  deactivation_date: 'excluded.deactivation_date',
  reactivation_date: 'excluded.reactivation_date',
  last_update_date: 'coalesce(excluded.last_update_date, r.last_update_date)',
  enumeration_date: 'coalesce(excluded.enumeration_date, r.enumeration_date)',
};
const columns = Object.keys(MERGED);

const setList = columns.map((c) => `${c} = ${MERGED[c as keyof typeof MERGED]}`).join(',\n      ');
const changed = `(${columns.map((c) => `r.${c}`).join(', ')}) is distinct from (${columns.map((c) => MERGED[c as keyof typeof MERGED]).join(', ')})`;

// Two plain statements instead of INSERT … ON CONFLICT: the speculative insertion that
// ON CONFLICT does for every row costs more than a join. The import holds an advisory lock,
// so no other importer can insert the same numbers in between.
const UPDATE_SQL = `
  update npi_registry r set
      ${setList},
      imported_at = $1::timestamptz
  from npi_staging excluded
  where r.npi = excluded.npi and ${changed}`;

const INSERT_SQL = `
  insert into npi_registry (npi, ${columns.join(', ')}, imported_at)
  select s.npi, ${columns.map((c) => `s.${c}`).join(', ')}, $1::timestamptz from npi_staging s
  where not exists (select 1 from npi_registry r where r.npi = s.npi)`;

export async function mergeStaging(client: pg.PoolClient, now: Date): Promise<{ inserted: number; updated: number }> {
  // Updates first: the rows inserted next would otherwise be compared with themselves.
  const updated = await client.query(UPDATE_SQL, [now]);
  const inserted = await client.query(INSERT_SQL, [now]);
  return { inserted: inserted.rowCount ?? 0, updated: updated.rowCount ?? 0 };
}

/** One import at a time per database; a second waits rather than interleaving batches. */
export async function lockImport(client: pg.PoolClient): Promise<void> {
  await client.query('select pg_advisory_lock(hashtext($1))', ['curbside:npi-import']);
}
