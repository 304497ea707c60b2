/**
 * The NPI check digit: Luhn over "80840" followed by the first nine digits (the ISO card
 * issuer prefix CMS registered for NPIs), compared with the tenth digit.
 */
export function npiCheckDigit(firstNine: string): number {
  const digits = `80840${firstNine}`;
  let sum = 0;
  // Walking from the right, the digit next to the (missing) check digit is doubled first.
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidNpi(npi: string): boolean {
  return /^\d{10}$/.test(npi) && npiCheckDigit(npi.slice(0, 9)) === npi.charCodeAt(9) - 48;
}

/** A valid NPI built from nine digits (fixtures and benchmarks). */
export function npiFromNine(firstNine: string): string {
  return `${firstNine}${npiCheckDigit(firstNine)}`;
}
