// Live thread: subscribes to this case over /ws from the seq the page was rendered at, draws
// new and changed replies and the case header with the server's own rendering (a fragment per
// event), shows how many colleagues are reading, and reconnects with exponential backoff,
// asking for every event after the last seq seen so nothing is missed or shown twice.

import { localiseTimes, watchCounters } from './page.js';

let article = document.getElementById('case');
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

function updateCount() {
  count.textContent = `(${list.querySelectorAll(':scope > li').length})`;
}

/**
 * The server renders a reply or the case header with the same partial as the page itself, for
 * this reader (their vote, their controls); an event only says what to fetch.
 */
async function fragment(path) {
  const response = await fetch(path, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`fragment ${response.status}`);
  const template = document.createElement('template');
  template.innerHTML = (await response.text()).trim();
  return template.content.firstElementChild;
}

function removeReply(replyId) {
  document.getElementById(`reply-${replyId}`)?.remove();
  updateCount();
}

/** Keeps what the reader is typing in an open form of the part being replaced. */
function replaceKeepingInput(current, fresh) {
  const typing = [...current.querySelectorAll('details[open] textarea, details[open] input[type="text"]')].filter((f) => f.value !== f.defaultValue);
  if (typing.length > 0) return false;
  current.replaceWith(fresh);
  return true;
}

async function showReply(caseId, replyId, created) {
  const fresh = await fragment(`/cases/${caseId}/replies/${replyId}`);
  const current = document.getElementById(`reply-${replyId}`);
  if (!fresh) return removeReply(replyId);
  if (current) {
    replaceKeepingInput(current, fresh);
  } else {
    fresh.classList.add('fresh');
    list.append(fresh);
    document.getElementById('no-replies')?.remove();
    if (created) announce(`New reply from ${fresh.querySelector('.reply-author')?.textContent ?? 'a colleague'}`);
  }
  localiseTimes(fresh);
  watchCounters(fresh);
  updateCount();
}

async function showCase(caseId) {
  const current = document.getElementById('case');
  const fresh = await fragment(`/cases/${caseId}/head`);
  if (!fresh) return caseGone();
  const before = current.dataset.status;
  fresh.dataset.lastSeq = current.dataset.lastSeq;
  if (!replaceKeepingInput(current, fresh)) return;
  localiseTimes(fresh);
  watchCounters(fresh);
  if (before !== fresh.dataset.status) announce(fresh.dataset.status === 'solved' ? 'The case was marked solved' : 'The case was reopened');
}

function caseGone() {
  setStatus('offline', 'This case is no longer available: it was removed or hidden.');
  announce('This case is no longer available');
}

function start() {
  if (!article || !list || !status) return;
  const caseId = article.dataset.caseId;
  let lastSeq = Number(article.dataset.lastSeq || 0);
  let attempt = 0;
  let viewers = 0;
  let stopped = false;
  // Fragments are fetched one after another, so the page changes in the events' order.
  let chain = Promise.resolve();
  const queue = (task) => {
    chain = chain.then(task).catch(() => setStatus('offline', 'Some updates could not be shown; reload the page to see everything.'));
  };

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
        article = document.getElementById('case') ?? article;
        article.dataset.lastSeq = String(lastSeq);
      }
      switch (message.type) {
        case 'subscribed':
          attempt = 0;
          if (typeof message.seq === 'number' && message.seq > lastSeq) lastSeq = message.seq;
          setStatus('live', viewers > 1 ? `Live · ${plural(viewers, 'physician', 'physicians')} viewing, you included` : 'Live: new replies appear here.');
          break;
        case 'reply.created':
        case 'reply.updated': {
          const replyId = message.reply?.id ?? message.replyId;
          if (replyId) queue(() => showReply(caseId, replyId, message.type === 'reply.created'));
          break;
        }
        case 'reply.removed':
          if (message.replyId) queue(() => removeReply(message.replyId));
          break;
        case 'case.updated':
          queue(() => showCase(caseId));
          break;
        case 'case.removed':
          queue(() => caseGone());
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
