import type { Candidate } from './finding.js';

const EMAIL = /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;
// x (at) example (dot) com, x [at] example [dot] org
const OBFUSCATED_EMAIL = /(?<![\w.+-])[\w.+-]+\s*[[(]\s*at\s*[\])]\s*[\w-]+(?:\s*(?:[[(]\s*dot\s*[\])]|\.)\s*[\w-]+)+/gi;

// ngozi dot eze at example dot org
const SPELLED_EMAIL = /(?<![\w+-])[\w+-]+(?:\s+dot\s+[\w+-]+)*\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)*\s+dot\s+(?:com|org|net|edu|gov|io|co|uk|ie|au|ca|in|ng|ph|info|me)\b/gi;

const PHONE_PATTERNS: RegExp[] = [
  // North American: (412) 555-0138 x318, 216.555.0190, +1 (216) 555-0177
  /(?<![\w.-])(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}(?:\s*(?:x|ext\.?|extension)\s*\d{1,6})?(?![\w-]|\.\d)/g,
  // International: +91 98765 43210, +44 7700 900123
  /(?<![\w.+-])\+\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,5}(?:\s*(?:x|ext\.?)\s*\d{1,6})?(?![\w-]|\.\d)/g,
  // Trunk-prefixed national numbers: 07700 900418, 0491 570 156, 0803 555 0147, 020 7946 0000
  /(?<![\w.+-])0\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w-]|\.\d)/g,
];

// Toll-free and public service lines are helplines, not the patient's number.
const TOLL_FREE = /^(?:\+?1[\s.-]?)?\(?8(?:00|33|44|55|66|77|88)\)?/;

function digitCount(s: string): number {
  return s.replace(/\D/g, '').length;
}

export function findContacts(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (const re of [EMAIL, OBFUSCATED_EMAIL, SPELLED_EMAIL]) {
    // The obfuscated shapes start with "any word", so look for their "at" first.
    if (re === OBFUSCATED_EMAIL && !/[[(]\s*at\s*[\])]/i.test(text)) continue;
    if (re === SPELLED_EMAIL && !/\sdot\s/i.test(text)) continue;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      out.push({ start: m.index, end: m.index + m[0].length, type: 'CONTACT' });
    }
  }
  for (const re of PHONE_PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const digits = digitCount(m[0]);
      if (digits < 9 || digits > 16 || TOLL_FREE.test(m[0])) continue;
      out.push({ start: m.index, end: m.index + m[0].length, type: 'CONTACT' });
    }
  }
  return out;
}
