/**
 * The closed list of error codes a client can receive, and one class per meaning. Services
 * throw these; the errors plugin is the single place that turns them into status codes and the
 * SPEC's `{error:{code,message,requestId,details?}}` body. Callers that must branch (pages,
 * the CLI) use `instanceof`, never the code string.
 */
export const ERROR_CODES = [
  // 400: the request is malformed
  'bad_request',
  'invalid_json',
  'validation_failed',
  'control_characters',
  'invalid_input',
  // 401
  'unauthenticated',
  'invalid_credentials',
  'totp_required',
  'invalid_totp',
  // 403
  'forbidden',
  'not_verified',
  'not_author',
  'not_case_author',
  'own_reply',
  'own_request',
  'edit_window_closed',
  'wrong_password',
  'account_suspended',
  'not_applicant',
  'csrf_invalid',
  'bad_origin',
  'cross_origin',
  'own_content',
  // 404
  'not_found',
  // 409
  'conflict',
  'email_taken',
  'already_verified',
  'already_flagged',
  'already_decided',
  'case_hidden',
  'content_hidden',
  'content_deleted',
  'not_hidden',
  // 413, 415
  'body_too_large',
  'unsupported_media_type',
  // 422: well-formed input that breaks a rule
  'phi_detected',
  'phi_not_acknowledgeable',
  'invalid_npi',
  'invalid_state',
  'first_name_required',
  'last_name_required',
  'country_required',
  'registry_required',
  'licence_number_required',
  'specialty_required',
  'reason_required',
  'own_role',
  'password_too_short',
  'password_too_long',
  'password_too_common',
  'invalid_reset_token',
  'unknown_handle',
  'cannot_follow_self',
  'invalid_time_zone',
  // 429, 500, 503
  'rate_limited',
  'internal_error',
  'phi_scan_unavailable',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A malformed request (400), e.g. a cursor this server never handed out. */
export class BadRequestError extends AppError {
  constructor(message: string, field?: string) {
    super(400, 'bad_request', message, field === undefined ? undefined : { field });
  }
}

export class UnauthenticatedError extends AppError {
  constructor(message = 'log in to continue', code: 'unauthenticated' | 'invalid_credentials' | 'totp_required' | 'invalid_totp' = 'unauthenticated') {
    super(401, code, message);
  }
}

/** The email and password do not match an account (the same answer for both). */
export class InvalidCredentialsError extends UnauthenticatedError {
  constructor(message: string) {
    super(message, 'invalid_credentials');
  }
}

export type ForbiddenCode =
  | 'forbidden'
  | 'not_verified'
  | 'not_author'
  | 'not_case_author'
  | 'own_reply'
  | 'own_request'
  | 'edit_window_closed'
  | 'wrong_password'
  | 'account_suspended'
  | 'not_applicant'
  | 'cross_origin'
  | 'totp_required'
  | 'own_content';

export class ForbiddenError extends AppError {
  constructor(message = 'you may not do this', code: ForbiddenCode = 'forbidden') {
    super(403, code, message);
  }
}

/** Signed in, but not (or no longer) a verified physician: pages point such a user to /verify. */
export class NotVerifiedError extends ForbiddenError {
  constructor(message = 'only verified physicians may do this; your account is awaiting verification') {
    super(message, 'not_verified');
  }
}

export class NotFoundError extends AppError {
  constructor(what = 'resource') {
    super(404, 'not_found', `${what} not found`);
  }
}

export type ConflictCode =
  'conflict' | 'email_taken' | 'already_verified' | 'already_flagged' | 'already_decided' | 'case_hidden' | 'content_hidden' | 'content_deleted' | 'not_hidden';

export class ConflictError extends AppError {
  constructor(message: string, code: ConflictCode = 'conflict', field?: string) {
    super(409, code, message, field === undefined ? undefined : { field });
  }
}

/** The reporter has an open flag on this content already (the page treats it as done). */
export class AlreadyFlaggedError extends ConflictError {
  constructor() {
    super('you have already flagged this; a moderator will look at it', 'already_flagged');
  }
}

export type RuleCode =
  | 'invalid_npi'
  | 'invalid_state'
  | 'first_name_required'
  | 'last_name_required'
  | 'country_required'
  | 'registry_required'
  | 'licence_number_required'
  | 'specialty_required'
  | 'reason_required'
  | 'own_role'
  | 'password_too_short'
  | 'password_too_long'
  | 'password_too_common'
  | 'invalid_reset_token'
  | 'unknown_handle'
  | 'cannot_follow_self'
  | 'invalid_time_zone';

/**
 * The input had the right shape but broke a rule (422): a bad NPI check digit, a weak
 * password … `field` names the input field (as the API names it), so forms need no code→field
 * table; it is sent as `details.field`.
 */
export class ValidationError extends AppError {
  constructor(
    code: RuleCode,
    message: string,
    readonly field: string | null,
  ) {
    super(422, code, message, field === null ? undefined : { field });
  }
}

/** A finding of the PHI gate as a refusal carries it. */
export interface PhiFindingDetail {
  field: string;
  start: number;
  end: number;
  type: string;
  text: string;
  acknowledgeable: boolean;
}

/** The write's text may hold protected health information (422 `phi_detected`). */
export class PhiDetectedError extends AppError {
  constructor(
    message: string,
    readonly findings: PhiFindingDetail[],
    readonly unmatchedAcknowledgements: unknown[] = [],
  ) {
    super(422, 'phi_detected', message, {
      findings,
      ...(unmatchedAcknowledgements.length > 0 ? { unmatchedAcknowledgements } : {}),
    });
  }
}

/**
 * The author acknowledged a strong finding (an identifier, contact, link, a date with a day or a
 * month, an age over 89): it must be edited instead (422 `phi_not_acknowledgeable`).
 */
export class PhiNotAcknowledgeableError extends AppError {
  constructor(
    message: string,
    readonly findings: PhiFindingDetail[],
  ) {
    super(422, 'phi_not_acknowledgeable', message, { findings });
  }
}

/** The PHI scan could not finish in time; nothing was stored (503 `phi_scan_unavailable`). */
export class PhiScanUnavailableError extends AppError {
  constructor(message = 'the PHI scan could not finish; nothing was stored, try again') {
    super(503, 'phi_scan_unavailable', message);
  }
}

export class RateLimitedError extends AppError {
  constructor(
    message: string,
    /** Seconds until a retry can succeed; sent as `Retry-After`. */
    readonly retryAfter: number,
  ) {
    super(429, 'rate_limited', message);
  }
}
