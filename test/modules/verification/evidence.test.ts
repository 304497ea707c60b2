import t from 'tap';
import { isValidNpi, npiCheckDigit, npiFromNine } from '../../../src/domain/npi.js';
import { foldName, sameName } from '../../../src/modules/verification/names.js';
import { evidenceFor } from '../../../src/modules/verification/evidence.js';
import { OKAFOR } from '../../helpers/registry.js';

t.test('NPI check digit: Luhn over 80840 + the first nine digits', async (t) => {
  t.ok(isValidNpi('1234567893'), 'the CMS example');
  t.notOk(isValidNpi('1234567890'));
  t.notOk(isValidNpi('123456789'), 'nine digits');
  t.notOk(isValidNpi('12345678931'), 'eleven digits');
  t.notOk(isValidNpi('12345b7893'));
  t.equal(npiCheckDigit('123456789'), 3);
  for (const nine of ['100000000', '198765432', '299999999']) t.ok(isValidNpi(npiFromNine(nine)), nine);
  // A single changed digit is always caught.
  t.notOk(isValidNpi('1234567883'));
});

t.test('names compare case- and accent-insensitively', async (t) => {
  t.equal(foldName("José O'Brien-Núñez"), 'joseobriennunez');
  t.ok(sameName('Chiamaka', 'CHIAMAKA'));
  t.ok(sameName('Zoë', 'ZOE'));
  t.notOk(sameName('Chiamaka', 'CHIOMA'));
  t.notOk(sameName('', ''), 'blank never matches');
  t.notOk(sameName('A', null));
});

t.test('evidence', async (t) => {
  const claim = { firstName: 'Chiamaka', lastName: 'Okafor' };
  t.same(evidenceFor(claim, undefined).registryMatch, false);
  const full = evidenceFor(claim, { ...OKAFOR, entityType: 1, deactivationDate: null, reactivationDate: null } as never);
  t.match(full, { registryMatch: true, nameMatch: true, physicianTaxonomy: true, licenceStates: ['NY', 'NJ'], deactivatedOn: null });
  const org = evidenceFor(claim, { ...OKAFOR, entityType: 2 } as never);
  t.equal(org.registryMatch, false, 'an organisation NPI is no match for a person');
  const nurse = evidenceFor(claim, { ...OKAFOR, taxonomyCodes: ['163W00000X'] } as never);
  t.equal(nurse.physicianTaxonomy, false);
  t.equal(evidenceFor(claim, { ...OKAFOR, taxonomyCodes: ['208D00000X'] } as never).physicianTaxonomy, true, '208 counts');
  const gone = evidenceFor(claim, { ...OKAFOR, deactivationDate: '2024-03-01', reactivationDate: null } as never);
  t.equal(gone.deactivatedOn, '2024-03-01');
  const back = evidenceFor(claim, { ...OKAFOR, deactivationDate: '2024-03-01', reactivationDate: '2024-06-01' } as never);
  t.equal(back.deactivatedOn, null, 'a later reactivation makes it active');
});
