/** Credentials that follow a clinician's name in a note or a sign-off ("V. Finn, RRT"). */
export const CREDENTIALS = new Set(['rn', 'rrt', 'crt', 'np', 'md', 'lpn', 'cns', 'msw', 'lcsw', 'slp', 'pharmd', 'rd', 'crnp', 'fnp', 'do', 'mbbs', 'frcp']);

/** Words that end the name of a place of care ("Union Hospital", "Laurel Regional"). */
export const PLACE_OF_CARE_WORDS = new Set(['hospital', 'hosp', 'hospitals', 'regional', 'memorial', 'adventist', 'infirmary', 'rehab', 'hospice']);

/** Words that are never part of a name or a place of care's name: they end the phrase before. */
export const PHRASE_BREAKERS = new Set(
  (
    'the a an to at from in into of by for with and or but on this that these those his her their our its my your which who whom whose ' +
    'is was were are be been being has had have will would can could should may might must do does did not no ' +
    'pt patient pts patients per via transfer transferred transfered admitted admit adm sent went go going taken seen called discharged ' +
    'outside other previous prior same local nearby another community general teaching university state county veterans district ' +
    'acute inpatient outpatient cardiac pulmonary physical occupational subacute ' +
    'as also then now today tonight yesterday tomorrow am pm'
  ).split(' '),
);
