// Every logged-in page holds one socket for notifications: the bell's count goes up and a short
// note appears when one arrives, and an open case list shows new matching cases at the top with
// an "N new" banner. On a thread page live.js owns the socket and passes these messages on.

const bellCount = document.getElementById('bell-count');
const toasts = document.getElementById('toasts');
const liveList = document.getElementById('case-list-live');

const MIN_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;
const FINAL_CLOSES = new Set([4401, 4403]);

const TEXT = {
  reply: (who) => `${who} replied to a case you follow`,
  helpful: () => 'Your reply was marked helpful',
  solved: () => 'A case you follow was marked solved',
  outcome: () => 'The outcome of a case you replied to was posted',
  urgent_case: (who) => `New urgent case from ${who}`,
  new_case: (who) => `${who} posted a new case`,
  followup: () => 'How did your case turn out? Post the outcome',
  alert: () => 'A public-health alert was posted',
};

function hrefOf(n) {
  if (!n.caseId) return '/notifications';
  return `/cases/${n.caseId}${n.type === 'followup' ? '#outcome' : ''}`;
}

function specialtyLabel(slug) {
  if (!slug) return '';
  const words = slug.replaceAll('-', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function setCount(n) {
  if (!bellCount) return;
  bellCount.dataset.count = String(n);
  bellCount.textContent = String(n);
}

function showNotification(n) {
  if (!n.readAt) setCount(Number(bellCount?.dataset.count || 0) + 1);
  const text = (TEXT[n.type] ?? (() => 'New notification'))(n.actor?.handle ?? 'A colleague');
  if (toasts) {
    const toast = document.createElement('div');
    toast.className = `toast${n.type === 'urgent_case' ? ' urgent' : ''}`;
    toast.dataset.notificationId = n.id;
    const link = document.createElement('a');
    link.href = hrefOf(n);
    link.textContent = text;
    toast.append(link);
    if (n.case?.title) {
      const meta = document.createElement('p');
      meta.className = 'meta';
      meta.textContent = `${n.case.title} · ${specialtyLabel(n.case.specialty)}`;
      toast.append(meta);
    }
    toasts.append(toast);
    setTimeout(() => toast.remove(), 15000);
  }
}

// ---------------------------------------------------------------- the live case list

let freshCount = 0;

function matchesList(kase) {
  if (!liveList || liveList.dataset.q) return false;
  if (liveList.dataset.specialty && liveList.dataset.specialty !== kase.specialty) return false;
  const filter = liveList.dataset.filter || 'newest';
  if (filter === 'urgent') return kase.urgency === 'urgent';
  if (filter === 'solved') return kase.status === 'solved';
  return true;
}

function caseItem(kase) {
  const item = document.createElement('li');
  item.className = 'case-item fresh';
  item.dataset.caseId = kase.id;
  const h2 = document.createElement('h2');
  const link = document.createElement('a');
  link.href = `/cases/${kase.id}`;
  link.textContent = kase.title;
  h2.append(link);
  const meta = document.createElement('p');
  meta.className = 'meta';
  const age = kase.age === null ? 'age not given' : kase.age === '90+' ? '90+ years' : `${kase.age} years`;
  for (const text of [specialtyLabel(kase.specialty), `${age}, ${kase.sex}`, '0 replies']) {
    const span = document.createElement('span');
    span.textContent = text;
    meta.append(span);
  }
  if (kase.urgency === 'urgent') {
    const badge = document.createElement('span');
    badge.className = 'badge urgent';
    badge.textContent = 'Urgent';
    meta.append(badge);
  }
  const by = document.createElement('p');
  by.className = 'meta';
  const author = document.createElement('span');
  author.textContent = kase.author?.handle ?? '';
  by.append(author);
  item.append(h2, meta, by);
  return item;
}

function showNewCase(kase) {
  if (!matchesList(kase) || document.querySelector(`.case-item[data-case-id="${kase.id}"]`)) return;
  let list = liveList.querySelector('.case-list');
  if (!list) {
    list = document.createElement('ul');
    list.className = 'case-list';
    liveList.querySelector('.empty')?.remove();
    liveList.append(list);
  }
  list.prepend(caseItem(kase));
  freshCount += 1;
  let banner = document.getElementById('new-cases');
  if (!banner) {
    banner = document.createElement('button');
    banner.type = 'button';
    banner.id = 'new-cases';
    banner.className = 'new-cases secondary';
    banner.addEventListener('click', () => {
      freshCount = 0;
      banner.remove();
      for (const item of list.querySelectorAll('.case-item.fresh')) item.classList.remove('fresh');
      list.scrollIntoView({ behavior: 'smooth' });
    });
    liveList.prepend(banner);
  }
  banner.textContent = freshCount === 1 ? '1 new case' : `${freshCount} new cases`;
}

function handle(message) {
  if (message.type === 'notification' && message.notification) showNotification(message.notification);
  else if (message.type === 'case.created' && message.case) showNewCase(message.case);
}

// ---------------------------------------------------------------- the socket

function connect(attempt = 0) {
  const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`);
  socket.addEventListener('open', () => {
    attempt = 0;
    document.documentElement.dataset.notifySocket = 'open';
  });
  socket.addEventListener('message', (event) => {
    try {
      handle(JSON.parse(event.data));
    } catch {
      // Not JSON: ignore.
    }
  });
  socket.addEventListener('close', (event) => {
    document.documentElement.dataset.notifySocket = 'closed';
    if (FINAL_CLOSES.has(event.code)) return;
    const delay = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    setTimeout(() => connect(attempt + 1), delay);
  });
}

if (document.getElementById('case')?.dataset.caseId) {
  // The thread's live.js holds this page's one socket.
  window.addEventListener('curbside:message', (event) => handle(event.detail));
} else {
  connect();
}
