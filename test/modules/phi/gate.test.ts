import t from 'tap';
import { evaluateGate, scanFields } from '../../../src/modules/phi/gate.js';

const clean = { title: 'Refractory hypokalaemia', body: '45F, K 2.8 despite 80 mmol/day oral. Mg 0.6. Next step?' };
const withPhi = { title: 'Hypokalaemia', body: 'Mrs Balogun, 45F, K 2.8. Seen 03/04/2024.', question: null };

t.test('scanFields reports each finding with its field', async (t) => {
  const findings = scanFields(withPhi);
  t.ok(findings.length >= 2);
  t.ok(findings.every((f) => f.field === 'body'));
  t.ok(findings.some((f) => f.text.includes('Balogun') && f.type === 'NAME'));
  t.ok(findings.some((f) => f.text === '03/04/2024' && f.type === 'DATE'));
  t.same(scanFields({ a: undefined, b: null, c: '' }), []);
});

t.test('a clean write passes', async (t) => {
  const decision = evaluateGate(clean);
  t.equal(decision.outcome, 'clean');
  t.same(decision.findings, []);
  t.same(decision.unacknowledged, []);
});

t.test('a write with PHI and no acknowledgement is refused with its findings', async (t) => {
  const decision = evaluateGate(withPhi);
  t.equal(decision.outcome, 'refused');
  t.same(decision.unacknowledged, decision.findings);
  t.ok(decision.findings.length >= 2);
});

t.test('acknowledging every finding exactly lets the write through', async (t) => {
  const { findings } = evaluateGate(withPhi);
  const decision = evaluateGate(withPhi, findings.map(({ field, start, end }) => ({ field, start, end })));
  t.equal(decision.outcome, 'acknowledged');
  t.same(decision.unacknowledged, []);
  t.same(decision.findings, findings);
});

t.test('a partial acknowledgement is refused, listing what is left', async (t) => {
  const { findings } = evaluateGate(withPhi);
  const [first, ...rest] = findings;
  const decision = evaluateGate(withPhi, [{ field: first!.field, start: first!.start, end: first!.end }]);
  t.equal(decision.outcome, 'refused');
  t.same(decision.unacknowledged, rest);
});

t.test('an acknowledgement must match a finding exactly', async (t) => {
  const { findings } = evaluateGate(withPhi);
  const shifted = findings.map(({ field, start, end }) => ({ field, start, end: end + 1 }));
  const decision = evaluateGate(withPhi, shifted);
  t.equal(decision.outcome, 'refused');
  t.equal(decision.unacknowledged.length, findings.length);
  const wrongField = findings.map(({ start, end }) => ({ field: 'title', start, end }));
  t.equal(evaluateGate(withPhi, wrongField).outcome, 'refused');
});

t.test('acknowledgements naming no finding are refused, even on a clean write', async (t) => {
  const bogus = [{ field: 'body', start: 0, end: 3 }];
  const decision = evaluateGate(clean, bogus);
  t.equal(decision.outcome, 'refused');
  t.same(decision.unacknowledged, []);
  t.same(decision.unmatchedAcknowledgements, bogus);

  const { findings } = evaluateGate(withPhi);
  const all = findings.map(({ field, start, end }) => ({ field, start, end }));
  const extra = evaluateGate(withPhi, [...all, { field: 'title', start: 0, end: 4 }]);
  t.equal(extra.outcome, 'refused');
  t.same(extra.unmatchedAcknowledgements, [{ field: 'title', start: 0, end: 4 }]);
});
