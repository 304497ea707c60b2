// Renders the PNG icons of the web-app manifest from the SVG sources in public/icons with
// Debian's chromium (the same browser the page tests drive): `npx tsx scripts/icons.ts`.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const dir = new URL('../public/icons/', import.meta.url);
const outputs = [
  { source: 'icon.svg', file: 'icon-192.png', size: 192 },
  { source: 'icon.svg', file: 'icon-512.png', size: 512 },
  { source: 'icon.svg', file: 'apple-touch-icon.png', size: 180 },
  { source: 'icon.svg', file: 'favicon-32.png', size: 32 },
  { source: 'maskable.svg', file: 'maskable-512.png', size: 512 },
];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless'] });
try {
  for (const { source, file, size } of outputs) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const svg = readFileSync(new URL(source, dir), 'utf8');
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
    await page.screenshot({ path: new URL(file, dir).pathname, omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
