/**
 * Lizard's `interval` is a Django DurationField: rendered "HH:MM:SS", or
 * "D HH:MM:SS" from one day up; stored here as whole seconds.
 */

const DAY = 86_400;
const MAX_SECONDS = 2_147_483_647;
// Django's standard_duration_re, without the negative forms (an interval is positive).
const DJANGO = /^(?:(\d+) (?:days?, )?)?(?:(\d+):(?=\d+:\d+))?(?:(\d+):)?(\d+)(?:[.,](\d{1,6}))?$/;
const ISO_8601 = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i;

const pad = (n: number) => String(n).padStart(2, "0");

/** Renders seconds as Django does: `00:05:00`, `1 02:00:00`; null stays null. */
export function formatInterval(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined) return null;
  const days = Math.floor(seconds / DAY);
  const rest = seconds % DAY;
  const clock = `${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
  return days > 0 ? `${days} ${clock}` : clock;
}

/**
 * Parses what Django's `parse_duration` accepts ("00:05:00", "1 02:00:00",
 * "300", "5:00", "P1DT2H") into whole seconds. Returns an error message for
 * anything else, for zero, and for fractions of a second.
 */
export function parseInterval(raw: string): { seconds: number } | { error: string } {
  const text = raw.trim();
  const django = DJANGO.exec(text);
  const iso = django ? null : ISO_8601.exec(text);
  if (!django && (!iso || text.toUpperCase() === "P" || text.toUpperCase().endsWith("T"))) {
    return { error: "Duration has wrong format. Use one of these formats instead: [DD] [HH:[MM:]]ss[.uuuuuu]." };
  }
  const [days, hours, minutes, seconds] = django ? [django[1], django[2], django[3], django[4]] : [iso![1], iso![2], iso![3], iso![4]];
  if (django?.[5] && Number(django[5]) !== 0) return { error: "The interval must be a whole number of seconds." };
  const total = Number(days ?? 0) * DAY + Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0);
  if (total <= 0) return { error: "The interval must be longer than zero." };
  if (total > MAX_SECONDS) return { error: "The interval is too long." };
  return { seconds: total };
}
