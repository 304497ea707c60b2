import type { FastifyInstance } from 'fastify';

/**
 * Posts a case through the API as `cookie`'s owner and returns its id.
 */
export async function postCase(app: FastifyInstance, cookie: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/cases',
    headers: { cookie },
    payload: {
      title: 'New AF with CrCl 28: apixaban dose?',
      age: 58,
      sex: 'male',
      specialty: 'cardiology',
      urgency: 'routine',
      body: 'Started on apixaban 5 mg bd by the ED. Weight 61 kg, creatinine 180.',
      question: 'Should the dose be reduced?',
      ...overrides,
    },
  });
  if (res.statusCode !== 201) throw new Error(`posting a case failed: ${res.statusCode} ${res.body}`);
  return res.json().case.id;
}

export async function postReply(app: FastifyInstance, cookie: string, caseId: string, body: string) {
  const res = await app.inject({ method: 'POST', url: `/api/cases/${caseId}/replies`, headers: { cookie }, payload: { body } });
  if (res.statusCode !== 201) throw new Error(`posting a reply failed: ${res.statusCode} ${res.body}`);
  return res.json().reply as { id: string; seq: number; body: string };
}
