import { readFileSync } from 'node:fs';
import t from 'tap';
import { WordList } from '../../../src/modules/phi/detector/word-list.js';

t.test('finds entries and prefixes by binary search', async (t) => {
  const list = WordList.parse('# header\nAbilene\nLos Angeles\nLos Banos\nOwo\n');
  t.equal(list.size, 4);
  t.ok(list.has('Abilene'));
  t.ok(list.has('Los Angeles'));
  t.ok(list.has('Owo'));
  t.notOk(list.has('Los'));
  t.notOk(list.has('owo'));
  t.notOk(list.has('Zzz'));
  t.ok(list.hasLongerEntryStartingWith('Los '));
  t.notOk(list.hasLongerEntryStartingWith('Owo '));
  t.notOk(list.hasLongerEntryStartingWith('Owo'));
});

// Binary search is only right on lists in code-unit order; the build script writes them so.
for (const file of ['first-names.txt', 'person-names.txt', 'english-words.txt', 'places.txt']) {
  t.test(`data/phi/${file} is in code-unit order`, async (t) => {
    const lines = readFileSync(new URL(`../../../data/phi/${file}`, import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    let sorted = true;
    for (let i = 1; i < lines.length && sorted; i++) sorted = lines[i - 1]! < lines[i]!;
    t.ok(sorted);
    t.ok(lines.length > 1000);
  });
}
