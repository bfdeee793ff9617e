/** ISO 8601 timestamps as Lizard accepts them. */

const ISO = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses an ISO 8601 date or date-time; one without a UTC offset is UTC (as Lizard reads it),
 * never the server's local time. Returns null when `value` is not such a timestamp.
 */
export function parseIsoTimestamp(value: string): Date | null {
  const m = ISO.exec(value.trim());
  if (!m) return null;
  const [, date, time = "00:00:00", zone = "Z"] = m;
  const offset = zone.toUpperCase() === "Z" ? "Z" : zone.length === 3 ? `${zone}:00` : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const parsed = new Date(`${date}T${time}${offset}`);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}
