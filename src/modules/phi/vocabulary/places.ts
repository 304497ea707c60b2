/** US states, Australian states and territories and Canadian provinces, as postal codes: not PHI. */
export const STATE_CODES =
  'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|NSW|VIC|QLD|SA|WA|TAS|NT|ACT|ON|QC|BC|AB|MB|SK|NS|NB|NL|PE|YT';
