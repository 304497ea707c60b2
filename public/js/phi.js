// Live PHI highlighting: each field marked data-phi-field is scanned by POST /api/phi/scan
// while the author types (debounced), and the findings are listed under the field with their
// text, type and context, each with a "this is not PHI" box that the form sends as
// `acknowledge`. The offsets refer to the trimmed text, as the server scans it.

const DEBOUNCE_MS = 400;
const CONTEXT = 24;

function findingItem(field, text, finding) {
  const item = document.createElement('li');
  const mark = document.createElement('mark');
  mark.className = 'phi-mark';
  mark.textContent = finding.text;
  const type = document.createElement('span');
  type.className = 'phi-type';
  type.textContent = ` ${finding.type}`;
  const context = document.createElement('span');
  context.className = 'phi-context';
  const before = text.slice(Math.max(0, finding.start - CONTEXT), finding.start);
  const after = text.slice(finding.end, finding.end + CONTEXT);
  const contextMark = document.createElement('mark');
  contextMark.textContent = text.slice(finding.start, finding.end);
  context.append(`…${before}`, contextMark, `${after}…`);
  const label = document.createElement('label');
  label.className = 'ack';
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.name = 'acknowledge';
  box.value = `${field}:${finding.start}:${finding.end}`;
  label.append(box, ' This is not PHI');
  item.append(mark, type, context, label);
  return item;
}

function render(container, field, text, findings) {
  // Keep the author's ticks for findings that are still there.
  const ticked = new Set([...container.querySelectorAll('input[name="acknowledge"]:checked')].map((b) => b.value));
  container.replaceChildren();
  if (findings.length === 0) return;
  const title = document.createElement('p');
  title.className = 'phi-title';
  title.textContent = findings.length === 1 ? 'Possible PHI in this field (1 finding):' : `Possible PHI in this field (${findings.length} findings):`;
  const list = document.createElement('ul');
  list.className = 'phi-list';
  for (const finding of findings) {
    const item = findingItem(field, text, finding);
    const box = item.querySelector('input');
    if (ticked.has(box.value)) box.checked = true;
    list.append(item);
  }
  container.append(title, list);
}

function watch(input) {
  const field = input.dataset.phiField;
  const container = document.getElementById(`${input.id}-phi`);
  if (!field || !container) return;
  let timer = null;
  let controller = null;
  let lastText = input.value.trim();

  async function scan() {
    const text = input.value.trim();
    if (text === lastText && container.dataset.scanned === 'true') return;
    lastText = text;
    controller?.abort();
    controller = new AbortController();
    if (text === '') {
      render(container, field, text, []);
      container.dataset.scanned = 'true';
      return;
    }
    try {
      const res = await fetch('/api/phi/scan', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ text }),
        credentials: 'same-origin',
        signal: controller.signal,
      });
      if (!res.ok) return;
      const { findings } = await res.json();
      if (input.value.trim() !== text) return;
      render(container, field, text, findings);
      container.dataset.scanned = 'true';
    } catch (error) {
      if (error.name !== 'AbortError') container.dataset.scanned = 'false';
    }
  }

  input.addEventListener('input', () => {
    container.dataset.scanned = 'false';
    clearTimeout(timer);
    timer = setTimeout(scan, DEBOUNCE_MS);
  });
}

for (const input of document.querySelectorAll('[data-phi-field]')) watch(input);
