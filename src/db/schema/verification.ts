import { boolean, char, date, index, pgEnum, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './users.js';

export const verificationRequestStatusEnum = pgEnum('verification_request_status', [
  'pending',
  'approved',
  'rejected',
  'superseded',
]);

export const verificationRequests = pgTable(
  'verification_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: verificationRequestStatusEnum('status').notNull().default('pending'),
    npi: char('npi', { length: 10 }),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    state: char('state', { length: 2 }),
    country: text('country'),
    registry: text('registry'),
    licenceNumber: text('licence_number'),
    /** Evidence captured when the request was made (and refreshed by registry re-imports). */
    registryMatch: boolean('registry_match').notNull().default(false),
    nameMatch: boolean('name_match').notNull().default(false),
    physicianTaxonomy: boolean('physician_taxonomy').notNull().default(false),
    taxonomyCodes: text('taxonomy_codes').array().notNull().default([]),
    licenceStates: text('licence_states').array().notNull().default([]),
    deactivatedOn: date('deactivated_on'),
    /** Why the request is in the queue when the system, not the applicant, put it there. */
    reopenReason: text('reopen_reason'),
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decisionReason: text('decision_reason'),
    specialty: text('specialty'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('verification_requests_status_idx').on(t.status, t.createdAt), index('verification_requests_user_idx').on(t.userId)],
);

/** The local copy of the NPPES registry, filled by `curbside npi import`. */
export const npiRegistry = pgTable('npi_registry', {
  npi: char('npi', { length: 10 }).primaryKey(),
  entityType: smallint('entity_type'),
  lastName: text('last_name'),
  firstName: text('first_name'),
  middleName: text('middle_name'),
  credential: text('credential'),
  practiceState: text('practice_state'),
  taxonomyCodes: text('taxonomy_codes').array().notNull().default([]),
  primaryTaxonomy: text('primary_taxonomy'),
  licenceNumbers: text('licence_numbers').array().notNull().default([]),
  licenceStates: text('licence_states').array().notNull().default([]),
  deactivationDate: date('deactivation_date'),
  reactivationDate: date('reactivation_date'),
  lastUpdateDate: date('last_update_date'),
  enumerationDate: date('enumeration_date'),
  importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
});
