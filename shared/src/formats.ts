import { FormatRegistry } from "@sinclair/typebox";

// RFC 3339 date-time: a calendar date, a time and an explicit offset ("Z" or ±hh:mm).
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

export function isDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as number[];
  if (month! < 1 || month! > 12 || hour! > 23 || minute! > 59 || second! > 60) return false;
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return day! >= 1 && day! <= daysInMonth && !Number.isNaN(Date.parse(value));
}

/** YYYY-MM-DD naming a real calendar day. */
export function isDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && isDateTime(`${value}T00:00:00Z`);
}

// TypeBox checks no string format until one is registered under its name.
if (!FormatRegistry.Has("date-time")) FormatRegistry.Set("date-time", isDateTime);
if (!FormatRegistry.Has("date")) FormatRegistry.Set("date", isDate);
if (!FormatRegistry.Has("uuid")) {
  FormatRegistry.Set("uuid", (value) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value));
}
