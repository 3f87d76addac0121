import { FormatRegistry } from "@sinclair/typebox";

// RFC 3339 date-time: a calendar date, a time and an explicit offset ("Z" or ±hh:mm).
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** Real UTC offsets run from -12:00 to +14:00; PostgreSQL refuses some beyond (±15:59). */
export const MAX_UTC_OFFSET_MINUTES = 14 * 60;

/**
 * An RFC 3339 date-time that PostgreSQL stores as it is: a real calendar date in years
 * 0001–9999 (year 0000 does not exist there), a real time, and an offset of at most ±14:00.
 */
export function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as number[];
  if (year! < 1 || month! < 1 || month! > 12 || hour! > 23 || minute! > 59 || second! > 59) return false;
  if (match[9]) {
    const [offsetHours, offsetMinutes] = [Number(match[10]), Number(match[11])];
    if (offsetMinutes > 59 || offsetHours * 60 + offsetMinutes > MAX_UTC_OFFSET_MINUTES) return false;
  }
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return day! >= 1 && day! <= daysInMonth && !Number.isNaN(Date.parse(value));
}

/** YYYY-MM-DD naming a real calendar day in years 0001–9999. */
export function isDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && isDateTime(`${value}T00:00:00Z`);
}

/** Text PostgreSQL stores as it is: no NUL characters, no unpaired UTF-16 surrogates. */
export function isStorableText(value: string): boolean {
  return !/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}

// TypeBox checks no string format until one is registered under its name.
if (!FormatRegistry.Has("date-time")) FormatRegistry.Set("date-time", isDateTime);
if (!FormatRegistry.Has("date")) FormatRegistry.Set("date", isDate);
if (!FormatRegistry.Has("text")) FormatRegistry.Set("text", isStorableText);
if (!FormatRegistry.Has("uuid")) {
  FormatRegistry.Set("uuid", (value) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value));
}
