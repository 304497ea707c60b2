export * from './users.js';
export * from './audit.js';
export * from './verification.js';
export * from './cases.js';
export * from './notifications.js';
