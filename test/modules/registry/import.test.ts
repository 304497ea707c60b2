import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { npiFromNine } from '../../../src/domain/npi.js';
import { importNppesFile, NppesFormatError } from '../../../src/modules/registry/import.js';
import { createVerificationService } from '../../../src/modules/verification/service.js';
import { createTestApp } from '../../helpers/app.js';
import { signedInUser } from '../../helpers/auth.js';
import { NPPES_COLUMNS, nppesLine, writeNppesFile, type NppesRecord } from '../../helpers/nppes-fixture.js';

const dir = mkdtempSync(path.join(tmpdir(), 'curbside-nppes-'));
const file = (name: string) => path.join(dir, name);

// CMS adds columns over time: new ones in front and the rest reversed, so any parsing by
// position would read the wrong fields.
const SHUFFLED = ['Some Column CMS Added Later', ...[...NPPES_COLUMNS].reverse()];

const OKAFOR_NPI = '1234567893';
const okafor: NppesRecord = {
  npi: OKAFOR_NPI,
  entityType: '1',
  lastName: 'OKAFOR',
  firstName: 'CHIAMAKA',
  middleName: 'N',
  credential: 'M.D.',
  practiceState: 'NY',
  taxonomies: [
    { code: '207RC0000X', licence: '123456', state: 'NY', primary: false },
    { code: '207R00000X', licence: 'A-99,88', state: 'nj', primary: true },
  ],
  lastUpdateDate: '11/04/2022',
  enumerationDate: '05/23/2005',
  extra: { 'Provider Business Mailing Address City Name': 'NEW YORK, "UPPER EAST"' },
};
const nurse: NppesRecord = { npi: npiFromNine('100000001'), entityType: '1', lastName: 'SMITH', firstName: 'JO', taxonomies: [{ code: '163W00000X', primary: true }] };
const clinic: NppesRecord = { npi: npiFromNine('100000002'), entityType: '2', organisationName: 'HEART CLINIC, LLC', taxonomies: [{ code: '261QM1300X' }] };
const gone: NppesRecord = { npi: npiFromNine('100000003'), deactivationDate: '05/12/2023' };
const badCheckDigit: NppesRecord = { npi: '1234567890', entityType: '1', lastName: 'X' };

async function importFile(pool: Parameters<typeof importNppesFile>[0], name: string, records: NppesRecord[], columns = SHUFFLED) {
  await writeNppesFile(file(name), records, columns);
  return importNppesFile(pool, file(name), { batchSize: 2 });
}

t.test('import, re-import, deactivation suspends, reactivation', async (t) => {
  const { app, database, clock } = await createTestApp(t);
  const { pool } = database;

  const first = await importFile(pool, 'first.csv', [okafor, nurse, clinic, gone, badCheckDigit]);
  t.same(first, { rowsRead: 5, inserted: 4, updated: 0, unchanged: 0, deactivated: 1, skipped: 1 });
  const { rows } = await pool.query('select * from npi_registry where npi = $1', [OKAFOR_NPI]);
  t.match(rows[0], {
    entity_type: 1,
    last_name: 'OKAFOR',
    first_name: 'CHIAMAKA',
    middle_name: 'N',
    credential: 'M.D.',
    practice_state: 'NY',
    taxonomy_codes: ['207RC0000X', '207R00000X'],
    primary_taxonomy: '207R00000X',
    licence_numbers: ['123456', 'A-99,88'],
    licence_states: ['NY', 'NJ'],
    deactivation_date: null,
  });
  t.equal((await pool.query("select to_char(last_update_date, 'YYYY-MM-DD') d from npi_registry where npi = $1", [OKAFOR_NPI])).rows[0].d, '2022-11-04');

  await t.test('a re-import of the same file changes nothing', async (t) => {
    const again = await importFile(pool, 'first-again.csv', [okafor, nurse, clinic, gone, badCheckDigit]);
    t.same(again, { rowsRead: 5, inserted: 0, updated: 0, unchanged: 4, deactivated: 1, skipped: 1 });
    t.equal((await pool.query('select count(*)::int n from npi_registry')).rows[0].n, 4);
  });

  // Okafor applies with the NPI and is approved.
  const applicant = await signedInUser(app, { role: 'applicant' });
  const moderator = await signedInUser(app, { role: 'moderator' });
  const submitted = await app.inject({
    method: 'POST',
    url: '/api/verification',
    headers: { cookie: applicant.cookie },
    payload: { npi: OKAFOR_NPI, firstName: 'Chiamaka', lastName: 'Okafor', state: 'NY' },
  });
  t.equal(submitted.json().verification.registryMatch, true);
  const approved = await app.inject({
    method: 'POST',
    url: `/api/moderation/verifications/${submitted.json().verification.id}/decision`,
    headers: { cookie: moderator.cookie },
    payload: { decision: 'approve', specialty: 'cardiology' },
  });
  t.equal(approved.statusCode, 200);
  const { recheckRegistry } = createVerificationService({ db: database.db, clock });
  t.same(await recheckRegistry(), { suspended: 0, refreshed: 0 }, 'nothing to do while the NPI is active');

  await t.test('a re-import that deactivates the NPI suspends the physician and reopens the request', async (t) => {
    const deactivatedOnly: NppesRecord = { npi: OKAFOR_NPI, deactivationDate: '09/30/2025' };
    const counts = await importFile(pool, 'deactivation.csv', [deactivatedOnly]);
    t.same(counts, { rowsRead: 1, inserted: 0, updated: 1, unchanged: 0, deactivated: 1, skipped: 0 });
    const { rows } = await pool.query('select * from npi_registry where npi = $1', [OKAFOR_NPI]);
    t.match(rows[0], { last_name: 'OKAFOR', first_name: 'CHIAMAKA', entity_type: 1, taxonomy_codes: ['207RC0000X', '207R00000X'], licence_states: ['NY', 'NJ'] }, 'blanks do not wipe what the registry holds');
    t.ok(rows[0].deactivation_date);

    t.same(await recheckRegistry(), { suspended: 1, refreshed: 0 });
    const me = await app.inject({ url: '/api/me', headers: { cookie: applicant.cookie } });
    t.equal(me.statusCode, 401, 'every session was revoked at once');
    const user = (await pool.query('select role, verification, status_reason from users where id = $1', [applicant.user.id])).rows[0];
    t.match(user, { role: 'physician', verification: 'suspended', status_reason: /NPI 1234567893 .*deactivated on 2025-09-30/ });

    const queue = (await app.inject({ url: '/api/moderation/verifications?status=pending', headers: { cookie: moderator.cookie } })).json().items;
    t.equal(queue.length, 1, 'back in the queue');
    t.match(queue[0], { userId: applicant.user.id, npi: OKAFOR_NPI, deactivatedOn: '2025-09-30', reopenReason: /deactivated on 2025-09-30/, registryMatch: true, nameMatch: true });

    const actions = (await pool.query('select action, actor_id from audit_events where target_id in ($1, $2) order by id', [applicant.user.id, queue[0].id])).rows;
    t.match(actions.map((a) => a.action), ['user.role_changed', 'user.suspended', 'verification.reopened']);
    t.equal(actions.at(-1)!.actor_id, null, 'done by the system');

    t.same(await recheckRegistry(), { suspended: 0, refreshed: 0 }, 'a second re-check does nothing more');
  });

  await t.test('a later reactivation makes the number active and refreshes the queued evidence', async (t) => {
    const counts = await importFile(pool, 'reactivation.csv', [{ ...okafor, deactivationDate: '09/30/2025', reactivationDate: '10/15/2025' }]);
    t.same(counts, { rowsRead: 1, inserted: 0, updated: 1, unchanged: 0, deactivated: 0, skipped: 0 });
    t.same(await recheckRegistry(), { suspended: 0, refreshed: 1 });
    const queue = (await app.inject({ url: '/api/moderation/verifications', headers: { cookie: moderator.cookie } })).json().items;
    t.equal(queue[0].deactivatedOn, null, 'the moderator sees it is active again');
    t.match(queue[0].reopenReason, /deactivated/, 'and still why it was reopened');
  });
});

t.test('rows that cannot be used are skipped and counted; a file that is not NPPES is refused', async (t) => {
  const { database } = await createTestApp(t);
  const name = file('ragged.csv');
  await writeNppesFile(name, [okafor]);
  appendFileSync(name, '"1245319599","1","SHORT ROW"\n');
  appendFileSync(name, nppesLine({ ...nurse, npi: 'ABCDEFGHIJ' }));
  appendFileSync(name, nppesLine(nurse) + nppesLine({ ...nurse, firstName: 'JOANNA' }));
  const counts = await importNppesFile(database.pool, name);
  t.same(counts, { rowsRead: 5, inserted: 2, updated: 0, unchanged: 1, deactivated: 0, skipped: 2 });
  const { rows } = await database.pool.query('select first_name from npi_registry where npi = $1', [nurse.npi]);
  t.equal(rows[0].first_name, 'JOANNA', 'a number repeated in one file keeps its last row');

  const other = file('other.csv');
  await writeNppesFile(other, [], ['id', 'name']);
  await t.rejects(importNppesFile(database.pool, other), NppesFormatError);
  await t.rejects(importNppesFile(database.pool, other), /no column "NPI"/);
});
