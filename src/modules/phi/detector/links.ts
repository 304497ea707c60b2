import type { Candidate } from './finding.js';
import { lexicons } from './lexicons.js';

const URL_WITH_SCHEME = /\b(?:https?|ftp):\/\/[^\s<>"')\]]+/gi;
const URL_WWW = /\bwww\.[^\s<>"')\]]+/gi;
// A bare domain counts only with a path: "gofundme.com/f/…" leads somewhere, "escardio.org" cites.
const BARE_DOMAIN_WITH_PATH =
  /(?<![\w@.\/-])(?:[a-z0-9-]+\.)+(?:com|org|net|io|co|uk|be|ly|me|tv|gl|app|info|us|ca|au|in|ng|ph|example)\/[^\s<>"')\]]*/gi;
const DOI = /\bdoi:\s*\S+/gi;
const IPV4 = /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)/g;
const IPV6 = /(?<![\w:])(?:[0-9a-f]{1,4}:){1,7}(?::|[0-9a-f]{1,4})(?:[0-9a-f:]*)(?![\w:])/gi;

function trimTrailingPunctuation(s: string): string {
  return s.replace(/[.,;:!?]+$/, '');
}

function hostOf(url: string): string {
  return url.replace(/^[a-z]+:\/\//i, '').replace(/^www\./i, '').split(/[/?#:]/)[0]!.toLowerCase();
}

export function isReferenceLink(url: string): boolean {
  const host = hostOf(url);
  return lexicons().referenceDomains.some((d) => host === d || host.endsWith(`.${d}`));
}

function isIpv4(s: string): boolean {
  return s.split('.').every((octet) => Number(octet) <= 255 && !(octet.length > 1 && octet.startsWith('0')));
}

function isIpv6(s: string): boolean {
  const groups = s.split(':');
  // Clock times and ratios have colons too; an address has "::" or many groups, with hex letters.
  return (s.includes('::') && groups.length >= 3) || (groups.length >= 6 && groups.every((g) => /^[0-9a-f]{0,4}$/i.test(g)));
}

/** Links to patients (URL findings) and reference links (spans where nothing else is PHI). */
export function findLinks(text: string): { findings: Candidate[]; references: Candidate[] } {
  const findings: Candidate[] = [];
  const references: Candidate[] = [];
  const seen = new Set<number>();
  for (const re of [URL_WITH_SCHEME, URL_WWW, BARE_DOMAIN_WITH_PATH]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const url = trimTrailingPunctuation(m[0]);
      const span = { start: m.index, end: m.index + url.length };
      if (seen.has(span.start)) continue;
      seen.add(span.start);
      if (isReferenceLink(url)) references.push({ ...span, type: 'URL' });
      else findings.push({ ...span, type: 'URL' });
    }
  }
  DOI.lastIndex = 0;
  for (let m = DOI.exec(text); m; m = DOI.exec(text)) {
    references.push({ start: m.index, end: m.index + trimTrailingPunctuation(m[0]).length, type: 'URL' });
  }
  IPV4.lastIndex = 0;
  for (let m = IPV4.exec(text); m; m = IPV4.exec(text)) {
    if (isIpv4(m[0])) findings.push({ start: m.index, end: m.index + m[0].length, type: 'URL' });
  }
  IPV6.lastIndex = 0;
  for (let m = IPV6.exec(text); m; m = IPV6.exec(text)) {
    if (isIpv6(m[0])) findings.push({ start: m.index, end: m.index + m[0].length, type: 'URL' });
  }
  return { findings, references };
}
