import type { Candidate } from './finding.js';

const PUBLIC_ROLE =
  "mayor|sheriff|MP|M\\.P\\.|MSP|MLA|MPP|senator|governor|congress(?:wo)?man|councill?or|council(?:wo)?man|alderman|judge|magistrate|bishop|vicar|priest|imam|rabbi|pastor|chief\\s+of\\s+police|police\\s+chief|fire\\s+chief|headteacher|head\\s+teacher|headmaster|headmistress|principal|news\\s+anchor|newsreader|news\\s+reader|anchorman|anchorwoman|weatherman|weatherwoman|weather\\s+(?:presenter|girl|man)|presenter|broadcaster|DJ|radio\\s+host|talk\\s+show\\s+host|celebrity|footballer|rugby\\s+player|cricketer|athlete|olympian|singer|actor|actress|rapper|influencer|youtuber|tiktoker|chief\\s+executive|CEO|coach|manager|captain|chief|king|queen|prince|princess|chief\\s+constable|commissioner|superintendent|dean|chancellor|president|vice[- ]president|ambassador|minister";

// Each pattern with a word it cannot match without, so most posts skip most patterns.
const PATTERNS: [string[], RegExp][] = [
  // the town's only paediatrician, the village's GP, the island's mayor
  [["'s", '’s'], /\b(?:town|village|city|island|county|parish|state|country|region|valley|community|street|estate)['’]s\s+(?:only|sole|first|last|oldest|youngest|current|former|longtime|long-serving|best-known|most\s+famous)\s+[\p{L}-]+/giu],
  [["'s", '’s'], new RegExp(`\\b(?:town|village|city|island|county|parish|state|country|region|community)['’]s\\s+(?:${PUBLIC_ROLE})\\b`, 'giu')],
  // owner of the only petrol station in town
  [['only'], /\b(?:runs|owns|owner\s+of|manager\s+of|landlord\s+of|works\s+at|the)\s+(?:the\s+)?only\s+[\p{L}\s-]{2,30}?\s+(?:in|on)\s+(?:town|the\s+(?:town|village|island|county|valley|estate))\b/giu],
  // our current county sheriff, the local MP, a well-known local news anchor, local TV weatherman
  [['local', 'current', 'former', 'known', 'famous', 'celebrity', 'retired', 'sitting', 'serving', 'popular', 'beloved', 'elected'], new RegExp(
    `\\b(?:(?:current|former|local|well[- ]known|famous|celebrity|retired|sitting|serving|popular|beloved|elected)\\s+)+(?:(?:county|town|city|state|village|district|TV|television|radio|news|football|rugby|cricket|high\\s+school|school|church|parish|regional|premier\\s+league|pop|rock|country|reality|breakfast)\\s+){0,2}(?:${PUBLIC_ROLE})\\b`,
    'giu',
  )],
  [['county', 'town', 'city', 'village', 'district'], new RegExp(`\\b(?:the|our)\\s+(?:(?:county|town|city|village|district)\\s+)(?:${PUBLIC_ROLE})\\b`, 'giu')],
  // won the state lottery last month, lottery winner
  [['lottery', 'jackpot', 'powerball', 'euromillions'], /\bwon\s+(?:the\s+)?(?:\w+\s+){0,2}(?:lottery|jackpot|powerball|euromillions)(?:\s+(?:last|this)\s+(?:week|month|year))?|\blottery\s+winner\b/giu],
  // the only set of quadruplets ever born at our unit
  [['uplets', 'conjoined'], /\b(?:only|first)\s+(?:set\s+of\s+)?(?:quadruplets|quintuplets|sextuplets|septuplets|octuplets|conjoined\s+twins)(?:\s+ever\s+born(?:\s+(?:at|in)\s+(?:our|the|this)\s+\w+)?)?|\b(?:quadruplets|quintuplets|sextuplets|septuplets|octuplets|conjoined\s+twins)\b/giu],
  // a tattoo of a tiger across his whole face
  [['tattoo'], /\btattoo\s+of\s+(?:an?\s+)?[\p{L}\s-]{1,30}?\s+(?:across|on|over|covering)\s+(?:his|her|their|the)\s+(?:whole\s+|entire\s+)?(?:face|forehead|neck|cheek|scalp)\b|\b(?:facial|face)\s+tattoos?\b/giu],
  // full-face photo, photo of her face: Safe Harbor's photographic identifiers
  [['face'], /\bfull[- ]?face\s+(?:photo(?:graph)?s?|pics?|pictures?|images?|shots?|selfies?)\b|\b(?:photo(?:graph)?s?|pics?|pictures?|images?)\s+(?:of|showing)\s+(?:his|her|their|the\s+patient['’]s)\s+(?:whole\s+|full\s+)?face\b|\b(?:facial|face)\s+(?:photo(?:graph)?s?|pics?|pictures?)\b/giu],
  // a band called Static Foxes; plays for the Marlow Kestrels; works at Acme Freight
  [['called', 'named'], /\b(?:band|team|club|choir|company|firm|group|school|shop|restaurant|pub|bar|business|charity|church|gym)\s+(?:called|named)\s+((?:the\s+)?\p{Lu}[\p{L}'’&-]*(?:\s+\p{Lu}[\p{L}'’&-]*){0,3})/gu],
  [['plays'], /\bplays\s+(?:\w+\s+)?(?:for|with)\s+(?:the\s+)?(\p{Lu}[\p{L}'’&-]*(?:\s+\p{Lu}[\p{L}'’&-]*){0,3})/gu],
  [['work', 'employed', 'job', 'shift'], /\b(?:works|worked|working|employed|job|shifts?)\s+(?:\w+\s+)?(?:at|for|by)\s+(?:the\s+)?(\p{Lu}[\p{L}'’&-]*(?:\s+\p{Lu}[\p{L}'’&-]*){0,3})/gu],
];

// The poster describing themself is not a patient characteristic.
const FIRST_PERSON_BEFORE = /\b(?:I['’]m|I\s+am|as|I\s+was|I['’]ve\s+been|me)\s+(?:the\s+|a\s+|an\s+)?$/i;

// A capture group, where a pattern has one, is the identifying part; the `d` flag gives its offsets.
const WITH_INDICES = PATTERNS.map(([words, p]) => [words, new RegExp(p.source, `${p.flags.replace('d', '')}d`)] as const);

export function findCharacteristics(text: string): Candidate[] {
  const out: Candidate[] = [];
  const lower = text.toLowerCase();
  for (const [words, re] of WITH_INDICES) {
    if (!words.some((w) => lower.includes(w))) continue;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const group = m.indices?.[1];
      let [start, end] = group ?? [m.index, m.index + m[0].length];
      const leading = /^(?:the|our|a|an)\s+/i.exec(text.slice(start, end));
      if (leading) start += leading[0].length;
      if (FIRST_PERSON_BEFORE.test(text.slice(Math.max(0, start - 20), start))) continue;
      end = start + text.slice(start, end).replace(/[\s,.]+$/, '').length;
      if (end > start) out.push({ start, end, type: 'OTHER' });
    }
  }
  return out;
}
