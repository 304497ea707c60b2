/**
 * A name folded for comparison: accents dropped (é → e), case folded, and everything that is
 * not a letter removed, so "O'Brien-Smith" and "OBRIEN SMITH" compare equal.
 */
export function foldName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}]+/gu, '');
}

export function sameName(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  const fa = foldName(a);
  return fa.length > 0 && fa === foldName(b);
}
