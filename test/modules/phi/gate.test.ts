import t from 'tap';
import { evaluateGate, scanFields } from '../../../src/modules/phi/gate.js';

const clean = { title: 'Refractory hypokalaemia', body: '45F, K 2.8 despite 80 mmol/day oral. Mg 0.6. Next step?' };
const withPhi = { title: 'Hypokalaemia', body: 'Mrs Balogun, 45F, K 2.8. Seen 03/04/2024.', question: null };
// Weak findings only (a name and a place), which an author may acknowledge.
const withWeak = { title: 'Hypokalaemia', body: 'Mrs Balogun from Wolverhampton, 45F, K 2.8.', question: null };

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
  const { findings } = evaluateGate(withWeak);
  const decision = evaluateGate(withWeak, findings.map(({ field, start, end }) => ({ field, start, end })));
  t.equal(decision.outcome, 'acknowledged');
  t.same(decision.unacknowledged, []);
  t.same(decision.findings, findings);
});

t.test('a partial acknowledgement is refused, listing what is left', async (t) => {
  const { findings } = evaluateGate(withWeak);
  const [first, ...rest] = findings;
  const decision = evaluateGate(withWeak, [{ field: first!.field, start: first!.start, end: first!.end }]);
  t.equal(decision.outcome, 'refused');
  t.same(decision.unacknowledged, rest);
});

t.test('an acknowledgement must match a finding exactly', async (t) => {
  const { findings } = evaluateGate(withWeak);
  const shifted = findings.map(({ field, start, end }) => ({ field, start, end: end + 1 }));
  const decision = evaluateGate(withWeak, shifted);
  t.equal(decision.outcome, 'refused');
  t.equal(decision.unacknowledged.length, findings.length);
  const wrongField = findings.map(({ start, end }) => ({ field: 'title', start, end }));
  t.equal(evaluateGate(withWeak, wrongField).outcome, 'refused');
});

t.test('acknowledgements naming no finding are refused, even on a clean write', async (t) => {
  const bogus = [{ field: 'body', start: 0, end: 3 }];
  const decision = evaluateGate(clean, bogus);
  t.equal(decision.outcome, 'refused');
  t.same(decision.unacknowledged, []);
  t.same(decision.unmatchedAcknowledgements, bogus);

  const { findings } = evaluateGate(withWeak);
  const all = findings.map(({ field, start, end }) => ({ field, start, end }));
  const extra = evaluateGate(withWeak, [...all, { field: 'title', start: 0, end: 4 }]);
  t.equal(extra.outcome, 'refused');
  t.same(extra.unmatchedAcknowledgements, [{ field: 'title', start: 0, end: 4 }]);
});

t.test('findings say whether they may be acknowledged', async (t) => {
  const findings = scanFields(withPhi);
  t.equal(findings.find((f) => f.type === 'NAME')?.acknowledgeable, true);
  t.equal(findings.find((f) => f.type === 'DATE')?.acknowledgeable, false);
  const strong = scanFields({ body: 'MRN 84421907, call 020 7946 0321, https://gofundme.com/f/help-jane, 94F' });
  t.ok(strong.length >= 3);
  t.ok(strong.every((f) => !f.acknowledgeable), JSON.stringify(strong));
});

t.test('acknowledging a strong finding refuses the write and names it', async (t) => {
  const { findings } = evaluateGate(withPhi);
  const decision = evaluateGate(withPhi, findings.map(({ field, start, end }) => ({ field, start, end })));
  t.equal(decision.outcome, 'refused');
  t.same(
    decision.notAcknowledgeable.map((f) => f.text),
    ['03/04/2024'],
  );
});

t.test('an acknowledgement with the finding text survives edits elsewhere in the field', async (t) => {
  const { findings } = evaluateGate(withWeak);
  const acks = findings.map(({ field, start, end, text }) => ({ field, start, end, text }));
  const edited = { ...withWeak, body: `Update after bloods: ${withWeak.body} Now on IV replacement.` };
  const decision = evaluateGate(edited, acks);
  t.equal(decision.outcome, 'acknowledged');
  t.same(decision.unmatchedAcknowledgements, []);
  // Without the text, offsets that moved name nothing.
  t.equal(evaluateGate(edited, findings.map(({ field, start, end }) => ({ field, start, end }))).outcome, 'refused');
});

t.test('acknowledgements stored with the content hold for the same text after an edit', async (t) => {
  const { findings } = evaluateGate(withWeak);
  const stored = findings.map(({ field, text }) => ({ field, text }));
  const edited = { ...withWeak, body: `${withWeak.body} Repeat K tomorrow.` };
  t.equal(evaluateGate(edited, [], stored).outcome, 'acknowledged');
  // A new name is not covered by them.
  t.equal(evaluateGate({ ...edited, body: `${edited.body} Daughter Oluwaseun visits.` }, [], stored).outcome, 'refused');
});
