/**
 * The benchmark's baseline: bare Fastify 5 and one hand-written pg query per request, reading
 * the same thread the real server shows (the case, its replies and their authors' handles).
 * `GET /api/cases/:id` answers the rows as JSON; `GET /cases/:id` puts them in a template
 * literal page of the same size and escaping as ours. No session, no validation, no presenters:
 * what a thread read costs with nothing of ours around it.
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

interface Row {
  case_id: string;
  title: string;
  age: number | null;
  sex: string;
  specialty: string;
  case_body_html: string;
  question_html: string;
  case_author: string;
  case_created_at: Date;
  id: string | null;
  seq: number;
  body_html: string;
  votes: number;
  created_at: Date;
  handle: string;
  author_specialty: string | null;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const e = (value: unknown) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function page(rows: Row[]): string {
  const c = rows[0]!;
  const replies = rows.filter((r) => r.id !== null);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(c.title)} · Curbside</title>
<link rel="stylesheet" href="/static/css/app.css"><script type="module" src="/static/js/live.js"></script></head>
<body><header class="site-header"><nav><a href="/cases">Cases</a><a href="/cases/new">New case</a></nav></header>
<main id="main"><article class="case card" id="case" data-case-id="${e(c.case_id)}">
<h1>${e(c.title)}</h1><p class="meta"><span>${e(c.specialty)}</span><span>${e(c.age)} years, ${e(c.sex)}</span></p>
<p class="meta">Posted by ${e(c.case_author)} <time datetime="${c.case_created_at.toISOString()}">${c.case_created_at.toUTCString()}</time></p>
<div class="prose">${c.case_body_html}</div><h2>Question</h2><div class="prose">${c.question_html}</div></article>
<section><h2>Replies (${replies.length})</h2><ol class="replies">
${replies
  .map(
    (r) => `<li class="reply" id="reply-${e(r.id)}" data-seq="${r.seq}"><p class="meta"><strong>${e(r.handle)}</strong><span>${e(r.author_specialty)}</span>
<time datetime="${r.created_at.toISOString()}">${r.created_at.toUTCString()}</time></p><div class="prose">${r.body_html}</div>
<p class="meta">${r.votes} upvotes</p></li>`,
  )
  .join('\n')}
</ol></section>
<form method="post" action="/cases/${e(c.case_id)}/replies"><textarea name="body"></textarea><button>Post reply</button></form>
</main></body></html>`;
}

app.get<{ Params: { id: string } }>('/api/cases/:id', async (request) => {
  const { rows } = await pool.query(THREAD, [request.params.id]);
  return rows;
});

app.get<{ Params: { id: string } }>('/cases/:id', async (request, reply) => {
  const { rows } = await pool.query<Row>(THREAD, [request.params.id]);
  if (rows.length === 0) return reply.code(404).send();
  return reply.type('text/html; charset=utf-8').send(page(rows));
});

app.get('/healthz', async () => ({ status: 'ok' }));

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
