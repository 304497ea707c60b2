/**
 * The benchmark's baseline: a bare Fastify server with one hand-written pg query returning the
 * same rows a thread shows (the case, its replies and their authors' handles) as JSON. No
 * session, no validation, no presenters: what a thread read costs with nothing of ours around it.
 */
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = Fastify({ logger: false });

const THREAD = `
  select c.id as case_id, c.title, c.age, c.age_over_89, c.sex, c.specialty, c.urgency, c.body as case_body,
         c.body_html as case_body_html, c.question, c.question_html, c.status, c.reply_count, c.created_at as case_created_at,
         cu.handle as case_author, cu.specialty as case_author_specialty,
         r.id, r.seq, r.body, r.body_html, r.votes, r.helpful, r.created_at, ru.handle, ru.specialty as author_specialty
  from cases c
  join users cu on cu.id = c.author_id
  left join replies r on r.case_id = c.id and r.deleted_at is null
  left join users ru on ru.id = r.author_id
  where c.id = $1
  order by r.seq`;

app.get<{ Params: { id: string } }>('/api/cases/:id', async (request) => {
  const { rows } = await pool.query(THREAD, [request.params.id]);
  return rows;
});

app.get('/healthz', async () => ({ status: 'ok' }));

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
