import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** src/pages and dist/pages are at the same depth, so these resolve from either. */
export const viewsDir = fileURLToPath(new URL('../../views', import.meta.url));
export const publicDir = fileURLToPath(new URL('../../public', import.meta.url));

/**
 * A hash of every static file, appended to asset URLs: browsers may then cache them for a
 * year, and a deploy that changes any file changes every URL.
 */
export function assetVersion(root = publicDir): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(root, { recursive: true }).map(String).sort()) {
    const full = path.join(root, file);
    try {
      hash.update(file).update(readFileSync(full));
    } catch {
      // a directory
    }
  }
  return hash.digest('hex').slice(0, 12);
}
