/** Titles written before a person's name, lower case. */
export const NAME_TITLES = new Set(
  'mr mrs ms miss mx dr doctor prof professor sr sra srta señor señora mme mlle herr frau lola lolo aunty auntie uncle chief pastor rev reverend sir dame lady lord nurse malam alhaji alhaja mallam baba mama sheikh'.split(' '),
);

/** Words that say who a person is to the patient, and words that introduce a name. */
export const RELATION_WORDS = new Set(
  (
    'wife husband partner spouse son daughter mum mom mother father dad brother sister grandson granddaughter grandchild grandad granddad grandpa grandfather ' +
    'grandma grandmother granny gran nan nana nephew niece aunt auntie aunty uncle cousin fiancé fiancée fiance fiancee boyfriend girlfriend friend neighbour neighbor ' +
    'carer caregiver stepson stepdaughter stepmother stepfather stepmum stepdad twin sibling baby child kid boy girl patient pt landlord landlady boss employer flatmate ' +
    'roommate housemate widow widower ex-wife ex-husband daughter-in-law son-in-law mother-in-law father-in-law sister-in-law brother-in-law godson goddaughter ' +
    'twins sons daughters kids children parents siblings grandchildren grandsons granddaughters brothers sisters called named nicknamed aka gp'
  ).split(' '),
);
