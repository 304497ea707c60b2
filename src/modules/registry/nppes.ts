import { isValidNpi } from '../../domain/npi.js';

/** The NPPES columns the import reads, spelled as in the CMS file. */
export const SLOTS = 15;
const numbered = (name: string) => Array.from({ length: SLOTS }, (_, i) => `${name}_${i + 1}`);

export const NPPES_WANTED = [
  'NPI',
  'Entity Type Code',
  'Provider Last Name (Legal Name)',
  'Provider First Name',
  'Provider Middle Name',
  'Provider Credential Text',
  'Provider Business Practice Location Address State Name',
  'NPI Deactivation Date',
  'NPI Reactivation Date',
  'Last Update Date',
  'Provider Enumeration Date',
  ...numbered('Healthcare Provider Taxonomy Code'),
  ...numbered('Provider License Number'),
  ...numbered('Provider License Number State Code'),
  ...numbered('Healthcare Provider Primary Taxonomy Switch'),
] as const;

/** Without these the file is not an NPPES provider file; the rest may be missing (read as blank). */
export const NPPES_REQUIRED = ['NPI', 'Entity Type Code', 'Provider Last Name (Legal Name)', 'Provider First Name', 'NPI Deactivation Date', 'Healthcare Provider Taxonomy Code_1'];

const F = {
  npi: 0,
  entityType: 1,
  lastName: 2,
  firstName: 3,
  middleName: 4,
  credential: 5,
  practiceState: 6,
  deactivation: 7,
  reactivation: 8,
  lastUpdate: 9,
  enumeration: 10,
  taxonomy: 11,
  licence: 11 + SLOTS,
  licenceState: 11 + 2 * SLOTS,
  primarySwitch: 11 + 3 * SLOTS,
} as const;

export interface RegistryRecord {
  npi: string;
  entityType: number | null;
  lastName: string | null;
  firstName: string | null;
  middleName: string | null;
  credential: string | null;
  practiceState: string | null;
  taxonomyCodes: string[];
  primaryTaxonomy: string | null;
  licenceNumbers: string[];
  licenceStates: string[];
  deactivationDate: string | null;
  reactivationDate: string | null;
  lastUpdateDate: string | null;
  enumerationDate: string | null;
}

const blankToNull = (value: string | undefined): string | null => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
};

/** NPPES dates are MM/DD/YYYY; anything else (or an impossible date) is treated as blank. */
export function nppesDate(value: string | undefined): string | null {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value?.trim() ?? '');
  if (!match) return null;
  const [, mm, dd, yyyy] = match;
  const date = new Date(Date.UTC(Number(yyyy), Number(mm) - 1, Number(dd)));
  if (date.getUTCMonth() !== Number(mm) - 1 || date.getUTCDate() !== Number(dd)) return null;
  return `${yyyy}-${mm}-${dd}`;
}

/** The record a row stands for, or null when its NPI is not a valid 10-digit number. */
export function toRegistryRecord(fields: string[]): RegistryRecord | null {
  const npi = fields[F.npi]!.trim();
  if (!isValidNpi(npi)) return null;
  const taxonomyCodes: string[] = [];
  let primaryTaxonomy: string | null = null;
  const licenceNumbers: string[] = [];
  const licenceStates: string[] = [];
  for (let i = 0; i < SLOTS; i++) {
    const code = fields[F.taxonomy + i]!.trim();
    if (code) {
      taxonomyCodes.push(code);
      if (fields[F.primarySwitch + i]!.trim().toUpperCase() === 'Y') primaryTaxonomy ??= code;
    }
    const number = fields[F.licence + i]!.trim();
    const state = fields[F.licenceState + i]!.trim().toUpperCase();
    if (number || state) {
      licenceNumbers.push(number);
      licenceStates.push(state);
    }
  }
  const entity = fields[F.entityType]!.trim();
  return {
    npi,
    entityType: entity === '1' || entity === '2' ? Number(entity) : null,
    lastName: blankToNull(fields[F.lastName]),
    firstName: blankToNull(fields[F.firstName]),
    middleName: blankToNull(fields[F.middleName]),
    credential: blankToNull(fields[F.credential]),
    practiceState: blankToNull(fields[F.practiceState]),
    taxonomyCodes,
    primaryTaxonomy: primaryTaxonomy ?? taxonomyCodes[0] ?? null,
    licenceNumbers,
    licenceStates,
    deactivationDate: nppesDate(fields[F.deactivation]),
    reactivationDate: nppesDate(fields[F.reactivation]),
    lastUpdateDate: nppesDate(fields[F.lastUpdate]),
    enumerationDate: nppesDate(fields[F.enumeration]),
  };
}

// COPY text format: backslash, tab and line breaks escaped; \N is NULL.
const NEEDS_ESCAPE = /[\\\t\n\r]/;
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

function copyArray(items: string[]): string {
  if (items.length === 0) return '{}';
  return copyText(`{${items.map((item) => `"${item.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`);
}

/** One line of COPY text for the staging table (columns in STAGING_COLUMNS order). */
export function toCopyLine(r: RegistryRecord): string {
  return [
    r.npi,
    r.entityType === null ? '\\N' : String(r.entityType),
    copyText(r.lastName),
    copyText(r.firstName),
    copyText(r.middleName),
    copyText(r.credential),
    copyText(r.practiceState),
    copyArray(r.taxonomyCodes),
    copyText(r.primaryTaxonomy),
    copyArray(r.licenceNumbers),
    copyArray(r.licenceStates),
    r.deactivationDate ?? '\\N',
    r.reactivationDate ?? '\\N',
    r.lastUpdateDate ?? '\\N',
    r.enumerationDate ?? '\\N',
  ].join('\t') + '\n';
}
