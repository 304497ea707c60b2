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
