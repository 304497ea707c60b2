import t, { type Test } from 'tap';
import { detectPhi, type PhiType } from '../../../src/modules/phi/detector.js';

// Cases written for these tests in the forum's style; none is taken from the evaluation sets.

function texts(text: string): string[] {
  return detectPhi(text).map((f) => f.text);
}

/** Asserts that every expected string is covered by a finding (a finding may be wider). */
function assertFinds(t: Test, text: string, expected: string[], type?: PhiType): void {
  const findings = detectPhi(text);
  for (const wanted of expected) {
    const at = text.indexOf(wanted);
    t.ok(at >= 0, `test text holds ${JSON.stringify(wanted)}`);
    const covering = findings.find((f) => f.start <= at && f.end >= at + wanted.length);
    t.ok(covering, `finds ${JSON.stringify(wanted)} in ${JSON.stringify(text)} (got ${JSON.stringify(findings.map((f) => f.text))})`);
    if (covering && type) t.equal(covering.type, type, `${JSON.stringify(wanted)} is ${type}`);
  }
}

function assertClean(t: Test, text: string): void {
  t.same(texts(text), [], `no PHI in ${JSON.stringify(text)}`);
}

t.test('names: titles, relations, initials, possessives, lower case', async (t) => {
  assertFinds(t, 'Saw Mrs Featherstonehaugh again today, INR 4.1.', ['Featherstonehaugh'], 'NAME');
  assertFinds(t, "Mr Oyelaran's potassium is 6.2 this morning.", ['Oyelaran'], 'NAME');
  assertFinds(t, 'Her husband Raj does all the driving to dialysis.', ['Raj'], 'NAME');
  assertFinds(t, 'grandson (tobias) translates for her at every visit', ['tobias'], 'NAME');
  assertFinds(t, 'pt K.L., 45F, new onset AF after a long-haul flight.', ['K.L.'], 'NAME');
  assertFinds(t, 'Referral letter signed by Dr Venkataraman, who saw him in March.', ['Venkataraman'], 'NAME');
  assertFinds(t, 'Marguerite Castellano, 67F, anterior uveitis, HLA-B27 positive.', ['Marguerite Castellano'], 'NAME');
  assertFinds(t, 'Thandiwe, 31F, postpartum thyroiditis?', ['Thandiwe'], 'NAME');
  assertFinds(t, 'Her sister Hope and brother Clement both want to be told first.', ['Hope', 'Clement'], 'NAME');
});

t.test('dates in every common format, and only dates', async (t) => {
  assertFinds(t, 'Echo on 03/14/2024 showed EF 35%.', ['03/14/2024'], 'DATE');
  assertFinds(t, 'symptoms since 14 Mar, worse after the 21st', ['14 Mar', '21st'], 'DATE');
  assertFinds(t, 'Biopsy booked for Tuesday the 12th.', ['Tuesday the 12th'], 'DATE');
  assertFinds(t, 'DOB 2/7/31, lives with her daughter.', ['2/7/31'], 'DATE');
  assertFinds(t, 'Admitted 2023-11-05 with sepsis; scope was done Sept 2022.', ['2023-11-05', 'Sept 2022'], 'DATE');
  assertFinds(t, 'Collapsed at the family dinner on Boxing Day.', ['Boxing Day'], 'DATE');
  assertFinds(t, 'Started on semaglutide in October, now nauseated.', ['October'], 'DATE');
  assertFinds(t, 'Report from Munich dated 05.06.2024 says sarcoid.', ['05.06.2024'], 'DATE');
});

t.test('ages over 89 in digits and words; the number only', async (t) => {
  t.same(texts('91M with new AF, on no anticoagulant.'), ['91']);
  assertFinds(t, 'She is ninety-six and still drives.', ['ninety-six'], 'AGE');
  assertFinds(t, 'Lives with her brother (94) who has early dementia.', ['94'], 'AGE');
  assertFinds(t, 'Celebrating his 100th birthday next week.', ['100'], 'AGE');
  assertFinds(t, 'A 92-year-old with a hip fracture.', ['92'], 'AGE');
});

t.test('places below a state: addresses, towns, counties, postcodes', async (t) => {
  assertFinds(t, 'Home visit at 48 Larchmont Avenue, Dayton, OH 45402 please.', ['48 Larchmont Avenue', 'Dayton', '45402'], 'LOCATION');
  assertFinds(t, 'Family live in Kirkcaldy and visit weekly.', ['Kirkcaldy'], 'LOCATION');
  assertFinds(t, 'Postcode LS6 2QT on the referral is wrong.', ['LS6 2QT'], 'LOCATION');
  assertFinds(t, 'Tick exposure camping in Dutchess County last summer.', ['Dutchess County'], 'LOCATION');
  assertFinds(t, 'New address: M5V 2T6, moved from Winnipeg.', ['M5V 2T6', 'Winnipeg'], 'LOCATION');
});

t.test('places of care and unique characteristics', async (t) => {
  assertFinds(t, 'She was first seen at Riverside Community Hospital in 2019.', ['Riverside Community Hospital']);
  assertFinds(t, 'Transferred from St Bartholomew’s after two days.', ['St Bartholomew’s']);
  assertFinds(t, 'He is the town’s mayor, so discretion matters.', ['town’s mayor'], 'OTHER');
  assertFinds(t, 'Patient is a well-known local news anchor with vocal cord polyps.', ['well-known local news anchor'], 'OTHER');
  assertFinds(t, 'Full-face photo attached for the dermatology opinion.', ['Full-face photo'], 'OTHER');
});

t.test('contacts, identifiers, links', async (t) => {
  assertFinds(t, 'Call her son on (617) 555-0199 or fax 617-555-0142.', ['(617) 555-0199', '617-555-0142'], 'CONTACT');
  assertFinds(t, 'Mobile 07700 900761, email j.harlow@example.org', ['07700 900761', 'j.harlow@example.org'], 'CONTACT');
  assertFinds(t, 'SSN 900-12-3456 on the form, MRN 00482913, acct# 55-2093318', ['900-12-3456', '00482913', '55-2093318'], 'ID');
  assertFinds(t, 'Medicare number 1EG4-TE5-MK72 and pump serial AB12345678C', ['1EG4-TE5-MK72', 'AB12345678C'], 'ID');
  assertFinds(t, 'Her GoFundMe is at https://www.gofundme.com/f/help-for-nan-x7', ['https://www.gofundme.com/f/help-for-nan-x7'], 'URL');
  assertFinds(t, 'Logins came from 203.0.113.77 overnight.', ['203.0.113.77'], 'URL');
});

t.test('hard negatives: clinical language is not PHI', async (t) => {
  const negatives = [
    "Parkinson's disease, 12 yrs, on co-careldopa 25/100 five times a day.",
    "Crohn's flare, CRP 96, started on adalimumab 40 mg every other week.",
    "Murphy's sign positive, Wells score 4, Glasgow-Blatchford 7.",
    'Graves disease, TRAb 9, carbimazole 20 mg od.',
    'INR 2.3, BP 120/80, HR 72, ezetimibe/simvastatin 10/40 mg.',
    'Power 3/5 proximally, reflexes 2+, plantars down.',
    'Coded as I21.4 and billed 93306; LOINC 2160-0 for the creatinine.',
    'Diagnosed with HFrEF in 2019, CABG 2021, now NYHA III.',
    'Fever for 3 days, started abx yesterday, POD 2 today, reviewed last week.',
    '85F with a fall; her husband is 89 and frail. Audit band 90+ had the worst outcomes.',
    'Returned from Nigeria via Texas; lives in California now.',
    'Dapagliflozin per DAPA-CKD, and EMPA-KIDNEY says much the same.',
    'Eliquis vs Xarelto in a 77M with CrCl 35?',
    'CHA2DS2-VASc 3, HAS-BLED 2, GRACE 140, TIMI 4.',
    'Ottawa ankle rules negative, no X-ray needed.',
    'Per the Mayo Clinic page and UpToDate, first line is iron.',
    'The ED referred her to the tertiary centre; a rural clinic had seen her first.',
    'Classic Kawasaki picture in a 3yo, echo normal.',
    'Hx 3/7 cough, 2/52 weight loss; review in 6/12.',
  ];
  for (const text of negatives) assertClean(t, text);
});

t.test('more posts: lower-case names, initials, relatives, addresses', async (t) => {
  assertFinds(t, 'quick q from nights - pt is olumide, 23m, sickle crisis, pain 9/10 despite PCA', ['olumide'], 'NAME');
  assertFinds(t, 'his brother tunde is the only one who can consent apparently', ['tunde'], 'NAME');
  assertFinds(t, 'Case: Bongani Dlamini, 45M from Soweto, new HIV dx, CD4 48.', ['Bongani Dlamini', 'Soweto']);
  assertFinds(t, "Mrs. O'Sullivan-Reid (DOB 17 August 1930) presented with delirium.", ["O'Sullivan-Reid", '17 August 1930']);
  assertFinds(t, 'Twin sisters Zainab and Zahra, 6yo, both with T1DM since 14/02/2023.', ['Zainab', 'Zahra', '14/02/2023']);
  assertFinds(t, 'Joyce (94) has had three falls since Sunday the 5th.', ['Joyce', '94', 'Sunday the 5th']);
  assertFinds(t, 'MRN#: 00-481-2297. 88F, aortic stenosis, for TAVI work-up.', ['00-481-2297'], 'ID');
  assertFinds(t, 'Came in from Kilmarnock on Hogmanay with a GI bleed.', ['Kilmarnock', 'Hogmanay']);
  assertFinds(t, 'The patient is a former Premier League footballer, so the press will be all over this.', ['former Premier League footballer'], 'OTHER');
});

t.test('more hard negatives: eponyms with grades, scores, brands, guidance', async (t) => {
  const negatives = [
    'Wolff-Parkinson-White on ECG, delta waves, short PR. Refer for EP study?',
    "Bell's palsy, House-Brackmann III, prednisolone 50 mg for 10 days.",
    'Fitzpatrick IV skin, melasma. Tri-Luma at night, SPF 50.',
    'Addenbrooke and MoCA both fine; the Mini-Cog was borderline.',
    'Guillain-Barré variant, Miller Fisher, anti-GQ1b positive. IVIg 0.4 g/kg for 5 days.',
    'Trulicity vs Victoza vs Mounjaro — which do your patients tolerate best?',
    'Barthel 45/100, Rockwood 6. For a care home placement review.',
    'Her dad died at 58 of an MI and her mum is 84 with AF.',
    'Na is 119 and falling; glucose was 95 this morning.',
    'In my practice in rural Ontario we see a lot of Lyme. Doxy 200 mg stat?',
  ];
  for (const text of negatives) assertClean(t, text);
});

t.test('findings are sorted, non-overlapping, and quote the text', async (t) => {
  const text = 'Mrs Abernethy-Lowe (DOB 04/05/1932), 12 Quarry Lane, Whitby YO21 3AB, tel 01632 960555.';
  const findings = detectPhi(text);
  t.ok(findings.length >= 4);
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    t.equal(f.text, text.slice(f.start, f.end));
    if (i > 0) t.ok(findings[i - 1]!.end <= f.start, 'no overlap');
  }
  t.same(detectPhi(''), []);
});
