/**
 * Writes files in the NPPES "npidata_pfile" format: every field double-quoted, a header row with
 * the CMS column names, about 330 columns in the file's order. Most columns are filler this
 * project never reads, there so that parsing by position instead of by name would break.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { npiFromNine } from '../../src/domain/npi.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

export const NPPES_COLUMNS: readonly string[] = [
  'NPI',
  'Entity Type Code',
  'Replacement NPI',
  'Employer Identification Number (EIN)',
  'Provider Organization Name (Legal Business Name)',
  'Provider Last Name (Legal Name)',
  'Provider First Name',
  'Provider Middle Name',
  'Provider Name Prefix Text',
  'Provider Name Suffix Text',
  'Provider Credential Text',
  'Provider Other Organization Name',
  'Provider Other Organization Name Type Code',
  'Provider Other Last Name',
  'Provider Other First Name',
  'Provider Other Middle Name',
  'Provider Other Name Prefix Text',
  'Provider Other Name Suffix Text',
  'Provider Other Credential Text',
  'Provider Other Last Name Type Code',
  'Provider First Line Business Mailing Address',
  'Provider Second Line Business Mailing Address',
  'Provider Business Mailing Address City Name',
  'Provider Business Mailing Address State Name',
  'Provider Business Mailing Address Postal Code',
  'Provider Business Mailing Address Country Code (If outside U.S.)',
  'Provider Business Mailing Address Telephone Number',
  'Provider Business Mailing Address Fax Number',
  'Provider First Line Business Practice Location Address',
  'Provider Second Line Business Practice Location Address',
  'Provider Business Practice Location Address City Name',
  'Provider Business Practice Location Address State Name',
  'Provider Business Practice Location Address Postal Code',
  'Provider Business Practice Location Address Country Code (If outside U.S.)',
  'Provider Business Practice Location Address Telephone Number',
  'Provider Business Practice Location Address Fax Number',
  'Provider Enumeration Date',
  'Last Update Date',
  'NPI Deactivation Reason Code',
  'NPI Deactivation Date',
  'NPI Reactivation Date',
  'Provider Sex Code',
  'Authorized Official Last Name',
  'Authorized Official First Name',
  'Authorized Official Middle Name',
  'Authorized Official Title or Position',
  'Authorized Official Telephone Number',
  ...range(15).flatMap((i) => [
    `Healthcare Provider Taxonomy Code_${i}`,
    `Provider License Number_${i}`,
    `Provider License Number State Code_${i}`,
    `Healthcare Provider Primary Taxonomy Switch_${i}`,
  ]),
  ...range(50).flatMap((i) => [
    `Other Provider Identifier_${i}`,
    `Other Provider Identifier Type Code_${i}`,
    `Other Provider Identifier State_${i}`,
    `Other Provider Identifier Issuer_${i}`,
  ]),
  'Is Sole Proprietor',
  'Is Organization Subpart',
  'Parent Organization LBN',
  'Parent Organization TIN',
  'Authorized Official Name Prefix Text',
  'Authorized Official Name Suffix Text',
  'Authorized Official Credential Text',
  ...range(15).map((i) => `Healthcare Provider Taxonomy Group_${i}`),
  'Certification Date',
];

/** One provider as the fixture describes it; anything left out is written blank. */
export interface NppesRecord {
  npi: string;
  entityType?: '1' | '2' | '';
  lastName?: string;
  firstName?: string;
  middleName?: string;
  credential?: string;
  organisationName?: string;
  practiceState?: string;
  taxonomies?: { code: string; licence?: string; state?: string; primary?: boolean }[];
  deactivationDate?: string;
  reactivationDate?: string;
  lastUpdateDate?: string;
  enumerationDate?: string;
  /** Extra columns by header name, e.g. a mailing city with a comma and quotes. */
  extra?: Record<string, string>;
}

const INDEX = new Map(NPPES_COLUMNS.map((name, i) => [name, i]));

function quote(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

export function nppesHeaderLine(columns: readonly string[] = NPPES_COLUMNS): string {
  return columns.map(quote).join(',') + '\n';
}

export function nppesLine(record: NppesRecord, columns: readonly string[] = NPPES_COLUMNS): string {
  const index = columns === NPPES_COLUMNS ? INDEX : new Map(columns.map((name, i) => [name, i]));
  const fields: string[] = new Array(columns.length).fill('');
  const set = (name: string, value: string | undefined) => {
    const i = index.get(name);
    if (i !== undefined && value !== undefined) fields[i] = value;
  };
  set('NPI', record.npi);
  set('Entity Type Code', record.entityType ?? '');
  set('Provider Last Name (Legal Name)', record.lastName);
  set('Provider First Name', record.firstName);
  set('Provider Middle Name', record.middleName);
  set('Provider Credential Text', record.credential);
  set('Provider Organization Name (Legal Business Name)', record.organisationName);
  set('Provider Business Practice Location Address State Name', record.practiceState);
  set('NPI Deactivation Date', record.deactivationDate);
  set('NPI Reactivation Date', record.reactivationDate);
  set('Last Update Date', record.lastUpdateDate);
  set('Provider Enumeration Date', record.enumerationDate);
  (record.taxonomies ?? []).forEach((t, i) => {
    set(`Healthcare Provider Taxonomy Code_${i + 1}`, t.code);
    set(`Provider License Number_${i + 1}`, t.licence);
    set(`Provider License Number State Code_${i + 1}`, t.state);
    set(`Healthcare Provider Primary Taxonomy Switch_${i + 1}`, t.primary ? 'Y' : 'N');
  });
  for (const [name, value] of Object.entries(record.extra ?? {})) set(name, value);
  return fields.map(quote).join(',') + '\n';
}

/** Writes the header and the records, honouring the stream's back-pressure. */
export async function writeNppesFile(file: string, records: Iterable<NppesRecord>, columns: readonly string[] = NPPES_COLUMNS): Promise<void> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  out.write(nppesHeaderLine(columns));
  for (const record of records) {
    if (!out.write(nppesLine(record, columns))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

const LAST = ['OKAFOR', 'SMITH', 'NGUYEN', 'GARCIA', 'MÜLLER', "O'BRIEN", 'PATEL', 'KIM', 'JOHNSON', 'ROSSI', 'COHEN', 'SANTOS'];
const FIRST = ['CHIAMAKA', 'JOHN', 'LINH', 'MARIA', 'JOSÉ', 'AISHA', 'WEI', 'PRIYA', 'DAVID', 'SOFIA', 'AHMED', 'EMMA'];
const STATES = ['NY', 'CA', 'TX', 'FL', 'IL', 'PA', 'OH', 'GA', 'NC', 'MI', 'NJ', 'WA'];
const PHYSICIAN = ['207R00000X', '207RC0000X', '208D00000X', '207Q00000X', '2084P0800X', '208600000X'];
const OTHER = ['163W00000X', '363L00000X', '261QM1300X', '1223G0001X', '152W00000X'];

/**
 * Deterministic synthetic providers: NPIs from `first` upward (valid check digits), a mix of
 * physicians, other clinicians, organisations and deactivated numbers, with realistic filler.
 */
export function* syntheticRecords(count: number, first = 100_000_000): Generator<NppesRecord> {
  for (let n = 0; n < count; n++) {
    const nine = String(first + n);
    const npi = npiFromNine(nine);
    const pick = <T>(list: readonly T[], salt: number) => list[(n * 7919 + salt * 104_729) % list.length]!;
    const state = pick(STATES, 1);
    const filler = {
      'Provider First Line Business Mailing Address': `${100 + (n % 900)} MAIN ST`,
      'Provider Business Mailing Address City Name': pick(['NEW YORK', 'SPRINGFIELD', 'AUSTIN, TX'], 2),
      'Provider Business Mailing Address State Name': state,
      'Provider Business Mailing Address Postal Code': String(10_000 + (n % 89_999)).padEnd(9, '0'),
      'Provider Business Mailing Address Country Code (If outside U.S.)': 'US',
      'Provider Business Mailing Address Telephone Number': `212555${String(n % 10_000).padStart(4, '0')}`,
      'Provider First Line Business Practice Location Address': `${200 + (n % 700)} PARK AVE`,
      'Provider Business Practice Location Address City Name': 'NEW YORK',
      'Provider Business Practice Location Address Postal Code': '100160000',
      'Provider Business Practice Location Address Country Code (If outside U.S.)': 'US',
      'Provider Business Practice Location Address Telephone Number': '2125550100',
      'Other Provider Identifier_1': String(n),
      'Other Provider Identifier Type Code_1': '05',
      'Other Provider Identifier State_1': state,
      'Is Sole Proprietor': 'N',
      'Certification Date': '01/15/2020',
    };
    const kind = n % 20;
    if (kind === 19) {
      // How the real file shows a deactivated number: little more than the NPI and the date.
      yield { npi, deactivationDate: '05/12/2023' };
    } else if (kind === 17) {
      yield {
        npi,
        entityType: '2',
        organisationName: `"${pick(LAST, 3)}" MEDICAL GROUP, LLC`,
        practiceState: state,
        taxonomies: [{ code: '261QM1300X', primary: true }],
        enumerationDate: '03/02/2007',
        lastUpdateDate: '07/08/2021',
        extra: filler,
      };
    } else {
      const physician = kind < 12;
      const codes = physician ? [pick(PHYSICIAN, 4), pick(PHYSICIAN, 5)] : [pick(OTHER, 4)];
      yield {
        npi,
        entityType: '1',
        lastName: pick(LAST, 6),
        firstName: pick(FIRST, 7),
        middleName: n % 3 === 0 ? 'A' : '',
        credential: physician ? 'M.D.' : 'R.N.',
        practiceState: state,
        taxonomies: codes.map((code, i) => ({ code, licence: `${state}${100_000 + (n % 900_000)}${i}`, state: i === 0 ? state : pick(STATES, 8), primary: i === 0 })),
        enumerationDate: '05/23/2005',
        lastUpdateDate: '11/04/2022',
        extra: filler,
      };
    }
  }
}
