import type { FastifyInstance } from 'fastify';

/** A clean case body (no PHI findings); override any field. */
export function caseInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'New atrial fibrillation with reduced renal function',
    age: 58,
    sex: 'male',
    specialty: 'cardiology',
    urgency: 'routine',
    body: 'Patient in his late fifties with **new onset AF**, CrCl 28 mL/min, weight 70 kg. No prior bleeding.',
    question: 'Which apixaban dose would you choose?',
    ...overrides,
  };
}

export async function postCase(app: FastifyInstance, cookie: string, overrides: Record<string, unknown> = {}) {
  const res = await app.inject({ method: 'POST', url: '/api/cases', headers: { cookie }, payload: caseInput(overrides) });
  if (res.statusCode !== 201) throw new Error(`case not created: ${res.statusCode} ${res.body}`);
  return res.json().case as { id: string; [key: string]: unknown };
}

export async function postReply(app: FastifyInstance, cookie: string, caseId: string, body = 'I would give 2.5 mg twice daily given the renal function.') {
  const res = await app.inject({ method: 'POST', url: `/api/cases/${caseId}/replies`, headers: { cookie }, payload: { body } });
  if (res.statusCode !== 201) throw new Error(`reply not created: ${res.statusCode} ${res.body}`);
  return res.json().reply as { id: string; seq: number; [key: string]: unknown };
}
