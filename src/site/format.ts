/** Dates in the community's language, always in UTC so a build anywhere prints the same day. */
export function formatDate(date: Date, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

/** Money from integer minor units, e.g. (600, 'gbp') → £6. Whole amounts drop the pennies. */
export function formatMoney(minorUnits: number, currency: string, language: string): string {
  const whole = minorUnits % 100 === 0;
  return new Intl.NumberFormat(language, {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: whole ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(minorUnits / 100);
}
