// Thread actions in place: each form marked data-enhance is sent with fetch exactly as the
// browser would send it; the server answers as it does without JavaScript (a 303 to the thread,
// or the thread with the form's errors), and the parts of that page named in data-enhance
// replace their counterparts here. One rendering on the server, whichever way the form went.

import { focusFirstError, localiseTimes, watchCounters, watchDrafts } from './page.js';

const parser = new DOMParser();

function showFlash(doc) {
  const incoming = doc.getElementById('flash');
  const current = document.getElementById('flash');
  if (current) current.remove();
  if (!incoming) return;
  document.getElementById('main')?.prepend(document.importNode(incoming, true));
}

/** Swaps in fresh parts, keeping <details> that the reader has open. */
export function swapIn(doc, ids) {
  for (const id of ids) {
    const fresh = doc.getElementById(id);
    const current = document.getElementById(id);
    if (fresh && current) {
      const open = new Set([...current.querySelectorAll('details[open] > summary')].map((s) => s.textContent.trim()));
      const node = document.importNode(fresh, true);
      for (const summary of node.querySelectorAll('details > summary')) {
        if (open.has(summary.textContent.trim()) && summary.parentElement.querySelector('[data-refused]')) summary.parentElement.open = true;
      }
      current.replaceWith(node);
    } else if (current && !fresh) {
      current.remove();
    } else if (fresh && !current && id.startsWith('reply-')) {
      document.getElementById('replies')?.append(document.importNode(fresh, true));
    }
  }
  localiseTimes();
  watchCounters();
  watchDrafts();
}

async function send(form, submitter) {
  const body = new URLSearchParams(new FormData(form, submitter));
  const response = await fetch(form.action, {
    method: 'POST',
    body,
    credentials: 'same-origin',
    headers: { accept: 'text/html' },
  });
  const landed = new URL(response.url);
  // Signed out, or sent elsewhere (a deleted case goes to the list): let the browser go there,
  // posting the form itself so nothing typed is lost on the way to the login form.
  if (landed.pathname !== location.pathname && response.ok && !landed.pathname.startsWith(location.pathname)) {
    if (landed.pathname === '/' || landed.pathname === '/login') return false;
    location.assign(response.url);
    return true;
  }
  // Signed out meanwhile (401), or anything unexpected: the plain form handles it, keeping the text.
  if (response.status >= 500 || response.status === 401 || response.status === 403 || response.status === 404) return false;
  const doc = parser.parseFromString(await response.text(), 'text/html');
  const ids = (form.dataset.enhance || '').split(/\s+/).filter(Boolean);
  swapIn(doc, ids);
  showFlash(doc);
  const target = ids.map((id) => document.getElementById(id)).find(Boolean);
  if (response.ok) {
    const anchor = landed.hash ? document.getElementById(landed.hash.slice(1)) : null;
    (anchor ?? target)?.focus?.({ preventScroll: true });
  } else {
    focusFirstError(target ?? document);
  }
  return true;
}

document.addEventListener('submit', async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.enhance || form.dataset.sending) return;
  event.preventDefault();
  form.dataset.sending = '1';
  const buttons = [...form.querySelectorAll('button')];
  for (const button of buttons) button.disabled = true;
  let handled = false;
  try {
    handled = await send(form, event.submitter);
  } catch {
    handled = false;
  } finally {
    delete form.dataset.sending;
    for (const button of buttons) button.disabled = false;
  }
  // Anything unexpected: send the form the plain way, which always works.
  if (!handled) form.submit();
});
