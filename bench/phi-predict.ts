// Writes detector predictions for a JSONL data set, in the format score.mjs reads:
//   npx tsx bench/phi-predict.ts ../shared/phi/asq-phi.jsonl > /tmp/p.jsonl
//   node ../shared/phi/score.mjs --gold ../shared/phi/asq-phi.jsonl --pred /tmp/p.jsonl
import { createReadStream } from 'node:fs';
import { scanJsonl } from '../src/modules/phi/jsonl.js';

const file = process.argv[2];
const input = file && file !== '-' ? createReadStream(file) : process.stdin;
await scanJsonl(input, process.stdout);
