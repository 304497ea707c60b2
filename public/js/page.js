// On every page: times in the reader's own zone, length counters, drafts kept in this browser
// until they are posted, and the eye taken to the first error of a refused form.

const DRAFT_PREFIX = 'curbside:draft:';
const SUBMITTED_KEY = 'curbside:submitted';

// ---- times: "5 minutes ago" stays relative; the exact local time is in the title

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const exact = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const UNITS = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['week', 7 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
];

export function relativeTime(date, now = new Date()) {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return relative.format(Math.round(seconds / 60), 'minute');
}

export function localiseTimes(root = document) {
  for (const time of root.querySelectorAll('time[datetime]')) {
    const date = new Date(time.dateTime);
    if (Number.isNaN(date.getTime())) continue;
    time.title = exact.format(date);
    time.textContent = time.hasAttribute('data-relative') ? relativeTime(date) : exact.format(date);
  }
}

// ---- counters

function updateCounter(input, counter) {
  const max = Number(input.dataset.max);
  const length = input.value.length;
  const over = length - max;
  counter.textContent = over > 0 ? `${length} of ${max} characters: ${over} too many` : `${length} of ${max} characters`;
  counter.classList.toggle('over', over > 0);
}

export function watchCounters(root = document) {
  for (const counter of root.querySelectorAll('[data-counter-for]')) {
    const input = document.getElementById(counter.dataset.counterFor);
    if (!input || input.dataset.counting) continue;
    input.dataset.counting = '1';
    updateCounter(input, counter);
    input.addEventListener('input', () => updateCounter(input, counter));
  }
}

// ---- drafts

function draftFields(form) {
  return [...form.querySelectorAll('textarea, input[type="text"], input:not([type]), select, input[type="radio"]:checked')].filter(
    (field) => field.name && field.name !== '_csrf',
  );
}

function readDraft(key) {
  try {
    return JSON.parse(localStorage.getItem(DRAFT_PREFIX + key) ?? 'null');
  } catch {
    return null;
  }
}

export function discardDraft(key) {
  try {
    localStorage.removeItem(DRAFT_PREFIX + key);
  } catch {
    // storage refused (private mode): nothing was kept
  }
}

function saveDraft(form) {
  const values = {};
  let any = false;
  for (const field of draftFields(form)) {
    values[field.name] = field.value;
    if (field.tagName === 'TEXTAREA' && field.value.trim()) any = true;
    if (field.type === 'text' && field.value.trim() && field.name === 'title') any = true;
  }
  try {
    if (any) localStorage.setItem(DRAFT_PREFIX + form.dataset.draft, JSON.stringify({ values, savedAt: Date.now() }));
    else localStorage.removeItem(DRAFT_PREFIX + form.dataset.draft);
  } catch {
    // storage full or refused: the form still works
  }
}

function restoreDraft(form) {
  const draft = readDraft(form.dataset.draft);
  if (!draft || !draft.values) return;
  // The server's values win: a refused form comes back with what was sent.
  const empty = draftFields(form).every((field) => field.type === 'radio' || field.tagName === 'SELECT' || !field.value.trim());
  if (!empty) return;
  for (const [name, value] of Object.entries(draft.values)) {
    const fields = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
    for (const field of fields) {
      if (field.type === 'radio') field.checked = field.value === value;
      else if (field.type !== 'hidden') field.value = value;
    }
  }
  const note = document.createElement('p');
  note.className = 'draft-note';
  note.setAttribute('role', 'status');
  note.textContent = 'Your unsent draft was restored. ';
  const discard = document.createElement('button');
  discard.type = 'button';
  discard.className = 'link';
  discard.textContent = 'Discard it';
  discard.addEventListener('click', () => {
    discardDraft(form.dataset.draft);
    for (const field of draftFields(form)) if (field.tagName === 'TEXTAREA' || field.type === 'text') field.value = '';
    form.dispatchEvent(new Event('input', { bubbles: true }));
    note.remove();
  });
  note.append(discard);
  form.prepend(note);
  for (const field of draftFields(form)) field.dispatchEvent(new Event('input', { bubbles: true }));
}

export function watchDrafts(root = document) {
  // A draft is dropped only once the server confirms it was posted (the page it lands on says so).
  const posted = document.querySelector('meta[name="curbside-posted"]')?.content;
  if (posted) discardDraft(posted);
  for (const form of root.querySelectorAll('form[data-draft]')) {
    if (form.dataset.drafting) continue;
    form.dataset.drafting = '1';
    restoreDraft(form);
    let timer = null;
    form.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => saveDraft(form), 300);
    });
    form.addEventListener('submit', () => {
      clearTimeout(timer);
      saveDraft(form);
      try {
        sessionStorage.setItem(SUBMITTED_KEY, form.dataset.draft);
      } catch {
        // nothing to remember
      }
    });
  }
}

// ---- errors where the eye is

export function focusFirstError(root = document) {
  const summary = root.querySelector('.alert.error-box[role="alert"], [data-error-summary]');
  const invalid = root.querySelector('[aria-invalid="true"]');
  const target = invalid ?? summary;
  if (!target) return;
  target.scrollIntoView({ block: 'center' });
  if (invalid) invalid.focus({ preventScroll: true });
}

document.documentElement.classList.add('js');
localiseTimes();
watchCounters();
watchDrafts();
focusFirstError();
setInterval(() => {
  for (const time of document.querySelectorAll('time[data-relative]')) time.textContent = relativeTime(new Date(time.dateTime));
}, 60_000);
