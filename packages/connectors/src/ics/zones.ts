import ICAL from 'ical.js';

type Time = InstanceType<typeof ICAL.Time>;
type Component = InstanceType<typeof ICAL.Component>;

/** Turns an iCalendar local time in a named zone into an instant (ms since the epoch). */
export type ZoneResolver = (time: Time, tzid: string | undefined) => number;

/** Offset (ms) of `zone` at instant `utcMs`, from Intl (IANA names). */
function intlOffset(zone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return (
    Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) -
    Math.floor(utcMs / 1000) * 1000
  );
}

/** Whether Intl knows the zone name. */
export function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Wall-clock fields (as UTC ms) in an IANA zone → the instant; a second pass settles DST transitions. */
export function zonedToUtc(wall: number, zone: string): number {
  const guess = wall - intlOffset(zone, wall);
  const offset = intlOffset(zone, guess);
  return offset === wall - guess ? guess : wall - offset;
}

/** `(UTC-05:00) Eastern Time`, `(GMT+10:00) Sydney`, `UTC+01` → a fixed offset in minutes. */
function fixedOffsetMinutes(tzid: string): number | undefined {
  const m = /(?:UTC|GMT)\s*([+-])(\d{1,2})(?::?(\d{2}))?/i.exec(tzid);
  if (!m) return /^(UTC|GMT|Z|Etc\/UTC)$/i.test(tzid.trim()) ? 0 : undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** The wall-clock fields of a time as if they were UTC (the "local ms" of that time). */
export function wallMs(time: Time): number {
  return Date.UTC(
    time.year,
    time.month - 1,
    time.day,
    time.isDate ? 0 : time.hour,
    time.isDate ? 0 : time.minute,
    time.isDate ? 0 : time.second,
  );
}

const normalize = (tzid: string): string => tzid.replace(/^"|"$/g, '').replace(/\\,/g, ',').trim();

/**
 * A resolver for one calendar. In order: a UTC time; a VTIMEZONE defined in the file (through ical.js, without
 * touching its global registry); an IANA name (Intl); an offset written in the name (Outlook's
 * "(UTC-05:00) Eastern Time"); else the configured zone, and the unknown name is reported once through `warn`.
 * Floating times (no zone) are read in `defaultZone`.
 */
export function createZoneResolver(
  vcalendar: Component,
  defaultZone: string,
  warn: (message: string) => void,
): ZoneResolver {
  const defined = new Map<string, InstanceType<typeof ICAL.Timezone>>();
  for (const vtz of vcalendar.getAllSubcomponents('vtimezone')) {
    const id = vtz.getFirstPropertyValue('tzid');
    if (typeof id !== 'string') continue;
    try {
      defined.set(normalize(id), new ICAL.Timezone(vtz));
    } catch {
      // An unusable VTIMEZONE: the name may still be an IANA zone or carry an offset.
    }
  }
  const warned = new Set<string>();
  const inDefault = (wall: number): number => (defaultZone === 'UTC' ? wall : zonedToUtc(wall, defaultZone));
  return (time, tzid) => {
    const wall = wallMs(time);
    if (time.isDate) return wall;
    if (time.zone?.tzid === 'UTC' || time.zone === ICAL.Timezone.utcTimezone) return wall;
    if (!tzid) return inDefault(wall);
    const name = normalize(tzid);
    const vtz = defined.get(name);
    if (vtz) {
      try {
        return wall - vtz.utcOffset(time) * 1000;
      } catch {
        // fall through to the name itself
      }
    }
    if (isIanaZone(name)) return zonedToUtc(wall, name);
    const fixed = fixedOffsetMinutes(name);
    if (fixed !== undefined) return wall - fixed * 60_000;
    if (!warned.has(name)) {
      warned.add(name);
      warn(`unknown time zone "${name}": its times are read in ${defaultZone}`);
    }
    return inDefault(wall);
  };
}
