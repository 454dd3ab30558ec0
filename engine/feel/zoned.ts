/**
 * Zone-aware instants for timers and FEEL temporal built-ins.
 *
 * feelin represents temporal values with the Temporal API (temporal-polyfill, its own dependency)
 * and hands out the underlying objects via `unwrap()`. We reach Temporal only through those
 * objects, so we add no dependency of our own and stay on the exact Temporal version feelin uses.
 */
import { FeelDateTime, toFeel } from 'feelin';

export type PlainDateTime = ReturnType<FeelDateTime['unwrap']>;
export type ZonedDateTime = ReturnType<PlainDateTime['toZonedDateTime']>;

/** Zeebe runs in UTC unless the broker's JVM says otherwise; so do we unless told. */
export const DEFAULT_ZONE = 'UTC';

/** `Z` is an offset designator in ISO strings; Temporal only knows `UTC` as a zone id. */
export function normalizeZone(zone: string): string {
  return zone === 'Z' || zone === 'z' ? 'UTC' : zone;
}

/** The instant `epochMs` seen in `zone`. Throws RangeError for an unknown zone. */
export function zonedFromEpoch(epochMs: number, zone: string = DEFAULT_ZONE): ZonedDateTime {
  const utc = toFeel(new Date(epochMs)) as FeelDateTime;
  return utc.unwrap().toZonedDateTime('UTC').withTimeZone(normalizeZone(zone));
}

/** A FEEL date-time as a zoned value; a local (zone-less) one is placed in `defaultZone`. */
export function zonedFromFeel(value: FeelDateTime, defaultZone: string = DEFAULT_ZONE): ZonedDateTime {
  return value.unwrap().toZonedDateTime(normalizeZone(value.zone ?? defaultZone));
}

/** Builds a FEEL date-time from a zoned value, keeping the zone id (or offset). */
export function feelFromZoned(value: ZonedDateTime): FeelDateTime {
  return new FeelDateTime(value.toPlainDateTime(), value.timeZoneId);
}

/**
 * ISO 8601 with offset, as Java's ISO_OFFSET_DATE_TIME prints it (Zeebe writes date-time
 * variables this way): `2026-01-01T10:00:00+08:00`, `Z` for UTC, fractions only when non-zero.
 */
export function formatOffsetDateTime(value: ZonedDateTime): string {
  const text = value.toString({ timeZoneName: 'never' });
  return text.endsWith('+00:00') ? `${text.slice(0, -6)}Z` : text;
}
