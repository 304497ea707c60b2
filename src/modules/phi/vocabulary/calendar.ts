/** Month names and their abbreviations, lower case. */
export const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
export const MONTH_WORDS = new Set([...MONTH_NAMES, 'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec']);

/** Weekdays and their abbreviations, lower case. */
export const WEEKDAY_WORDS = new Set([
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday',
  'mon', 'tue', 'tues', 'wed', 'thu', 'thur', 'thurs', 'fri', 'sat', 'sun',
]);

/** Regular-expression alternations of month names, for the date patterns. */
export const MONTH_FULL = 'January|February|March|April|May|June|July|August|September|October|November|December';
export const MONTH_ABBR = 'Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec';

/** Capitalised month names: a name rule never takes one for a person. */
export const MONTHS = new Set('January February March April May June July August September October November December'.split(' '));
