export type PhiType = 'NAME' | 'DATE' | 'AGE' | 'LOCATION' | 'CONTACT' | 'ID' | 'URL' | 'OTHER';

/** A stretch of text that may identify a patient. Offsets are UTF-16, `end` exclusive. */
export interface PhiFinding {
  start: number;
  end: number;
  type: PhiType;
  text: string;
}

/** What each rule family yields; the text is filled in once spans are merged. */
export interface Candidate {
  start: number;
  end: number;
  type: PhiType;
}

/** Offsets of capture group `group` of a match made with the `d` flag. */
export function groupSpan(match: RegExpExecArray, group: number): [number, number] | undefined {
  const indices = match.indices?.[group];
  return indices ? [indices[0], indices[1]] : undefined;
}

export function candidateFromGroup(match: RegExpExecArray, group: number, type: PhiType): Candidate | undefined {
  const span = groupSpan(match, group);
  return span ? { start: span[0], end: span[1], type } : undefined;
}
