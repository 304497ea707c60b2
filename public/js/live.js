// Live thread: subscribes to this case over /ws, appends new replies, updates edited ones and
// the case, shows how many colleagues are reading, and reconnects with exponential backoff,
// asking for every event after the last seq seen so nothing is missed or shown twice.

const article = document.getElementById('case');
const list = document.getElementById('replies');
const status = document.getElementById('live-status');
const announcer = document.getElementById('live-announcer');
const count = document.getElementById('reply-count');

const MIN_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;
const FINAL_CLOSES = new Set([4401, 4403]);

function setStatus(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

function announce(text) {
  announcer.textContent = text;
}

function plural(n, one, many) {
  return n === 1 ? `1 ${one}` : `${n} ${many}`;
}

function formatDate(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function fillReply(item, reply) {
  const meta = document.createElement('p');
  meta.className = 'meta';
  const author = document.createElement('strong');
  author.className = 'reply-author';
  author.textContent = reply.author?.handle ?? '';
  meta.append(author);
  if (reply.author?.specialty) {
    const specialty = document.createElement('span');
    specialty.textContent = reply.author.specialty.replaceAll('-', ' ');
    meta.append(specialty);
  }
  const time = document.createElement('time');
  time.dateTime = reply.createdAt;
  time.textContent = formatDate(reply.createdAt);
  const timeWrap = document.createElement('span');
  timeWrap.append(time);
  meta.append(timeWrap);

  const body = document.createElement('div');
  body.className = 'prose reply-body';
  if (typeof reply.bodyHtml === 'string') {
    // Rendered and sanitised by the server's markdown renderer, as on the page itself.
    body.innerHTML = reply.bodyHtml;
  } else {
    body.classList.add('plain');
    body.textContent = reply.body ?? '';
  }

  const foot = document.createElement('p');
  foot.className = 'meta';
  const votes = document.createElement('span');
  votes.className = 'reply-votes';
  votes.textContent = plural(reply.votes ?? 0, 'upvote', 'upvotes');
  const helpful = document.createElement('span');
  helpful.className = 'reply-helpful';
  helpful.textContent = reply.helpful ? 'Marked helpful by the author' : '';
  foot.append(votes, helpful);

  item.className = `reply${reply.helpful ? ' helpful' : ''}`;
  item.replaceChildren(meta, body, foot);
}

function addReply(reply) {
  if (document.getElementById(`reply-${reply.id}`)) return;
  const item = document.createElement('li');
  item.id = `reply-${reply.id}`;
  item.dataset.seq = String(reply.seq);
  fillReply(item, reply);
  item.classList.add('fresh');
  list.append(item);
  document.getElementById('no-replies')?.remove();
  count.textContent = `(${list.children.length})`;
  announce(`New reply from ${reply.author?.handle ?? 'a colleague'}`);
}

function updateReply(reply) {
  const item = document.getElementById(`reply-${reply.id}`);
  if (!item) return addReply(reply);
  const votes = item.querySelector('.reply-votes');
  const helpful = item.querySelector('.reply-helpful');
  // Keep the server-rendered body when the update carries no rendered HTML of its own.
  if (typeof reply.bodyHtml === 'string') {
    fillReply(item, reply);
    return;
  }
  if (votes) votes.textContent = plural(reply.votes ?? 0, 'upvote', 'upvotes');
  if (helpful) helpful.textContent = reply.helpful ? 'Marked helpful by the author' : '';
  item.classList.toggle('helpful', Boolean(reply.helpful));
}

function removeReply(replyId) {
  document.getElementById(`reply-${replyId}`)?.remove();
  count.textContent = `(${list.children.length})`;
}

function updateCase(kase) {
  if (!kase) return;
  const title = document.getElementById('case-title');
  if (title && kase.title) {
    title.textContent = kase.title;
    document.title = `${kase.title} · Curbside`;
  }
  const statusBadge = document.getElementById('case-status');
  if (statusBadge) {
    statusBadge.replaceChildren();
    if (kase.status === 'solved') {
      const badge = document.createElement('span');
      badge.className = 'badge solved';
      badge.textContent = 'Solved';
      statusBadge.append(badge);
    }
  }
  announce(kase.status === 'solved' ? 'The case was marked solved' : 'The case was updated');
}

function start() {
  if (!article || !list || !status) return;
  const caseId = article.dataset.caseId;
  let lastSeq = Number(article.dataset.lastSeq || 0);
  let attempt = 0;
  let viewers = 0;
  let stopped = false;

  function connect() {
    const url = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
    const socket = new WebSocket(url);
    setStatus('connecting', attempt === 0 ? 'Connecting to live updates…' : 'Reconnecting…');

    socket.addEventListener('open', () => {
      socket.send(JSON.stringify({ type: 'subscribe', caseId, since: lastSeq }));
    });

    socket.addEventListener('message', (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.caseId && message.caseId !== caseId) return;
      if (message.type === 'notification' || message.type === 'case.created') {
        window.dispatchEvent(new CustomEvent('curbside:message', { detail: message }));
        return;
      }
      if (typeof message.seq === 'number' && message.type !== 'subscribed') {
        if (message.seq <= lastSeq) return;
        lastSeq = message.seq;
        article.dataset.lastSeq = String(lastSeq);
      }
      switch (message.type) {
        case 'subscribed':
          attempt = 0;
          if (typeof message.seq === 'number' && message.seq > lastSeq) lastSeq = message.seq;
          setStatus('live', viewers > 1 ? `Live · ${plural(viewers, 'physician', 'physicians')} viewing, you included` : 'Live: new replies appear here.');
          break;
        case 'reply.created':
          if (message.reply) addReply(message.reply);
          break;
        case 'reply.updated':
          if (message.reply) updateReply(message.reply);
          else if (message.replyId) removeReply(message.replyId);
          break;
        case 'case.updated':
          updateCase(message.case);
          break;
        case 'presence':
          viewers = message.viewers ?? 0;
          setStatus('live', viewers > 1 ? `Live · ${plural(viewers, 'physician', 'physicians')} viewing, you included` : 'Live: new replies appear here.');
          break;
        case 'error':
          break;
        default:
          // Notifications and new cases: notify.js shows them (this is the page's one socket).
          window.dispatchEvent(new CustomEvent('curbside:message', { detail: message }));
          break;
      }
    });

    socket.addEventListener('close', (event) => {
      if (stopped) return;
      if (FINAL_CLOSES.has(event.code)) {
        stopped = true;
        setStatus('offline', 'Live updates stopped: your session has ended. Reload the page to log in again.');
        return;
      }
      const delay = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      attempt += 1;
      setStatus('offline', `Connection lost; retrying in ${Math.round(delay / 1000)} s.`);
      setTimeout(connect, delay);
    });
  }

  connect();
}

start();
