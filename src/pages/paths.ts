/** Only a path on this site may follow a login: never another origin (`//evil`, `/\evil`). */
export function safeNext(next: unknown, fallback = '/cases'): string {
  if (typeof next !== 'string' || next.length > 500) return fallback;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f]/.test(next)) return fallback;
  return next;
}

export function loginPath(next: string): string {
  return next === '/cases' || next === '/' ? '/' : `/?next=${encodeURIComponent(next)}`;
}
