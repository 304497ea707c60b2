import { verifyAuditChain } from '../../modules/audit/service.js';
import { withDatabase, type Command } from '../command.js';

export class AuditChainBrokenError extends Error {
  override name = 'AuditChainBrokenError';
}

/** Checks every audit row's hash and link; exit 1 and the first bad row when one does not match. */
export const auditVerifyCommand: Command = {
  words: ['audit', 'verify'],
  usage: 'audit verify',
  summary: 'check the audit log hash chain; prints the first row that does not match (exit 1)',
  async run({ stdout, stderr }) {
    const result = await withDatabase(stderr, (database) => verifyAuditChain(database.db));
    if (result.firstBreak) {
      stdout.write(`${JSON.stringify({ ok: false, checked: result.checked, firstBadRow: result.firstBreak })}\n`);
      throw new AuditChainBrokenError(`audit chain does not match at row ${result.firstBreak.id} (${result.firstBreak.problem.replace('_', ' ')})`);
    }
    stdout.write(`${JSON.stringify({ ok: true, checked: result.checked, headHash: result.headHash })}\n`);
  },
};
