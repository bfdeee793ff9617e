/**
 * A timestamp as Django REST framework renders it: ISO 8601 in UTC with `Z`,
 * microseconds only when there are any ("2024-01-01T01:00:00Z",
 * "2024-08-12T14:39:48.123000Z").
 */
export function formatDateTime(date: Date | null | undefined): string | null {
  if (!date) return null;
  const iso = date.toISOString();
  const millis = date.getUTCMilliseconds();
  return millis === 0 ? `${iso.slice(0, 19)}Z` : `${iso.slice(0, 23)}000Z`;
}

/**
 * Lizard's first/last value timestamp of a source whose data has no time (no data yet, or a
 * non-temporal file uploaded without a timestamp): 1970-01-01T00:00:00Z, never null.
 */
export const NO_TIMESTAMP = new Date(0);
