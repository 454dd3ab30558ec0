/**
 * Pure part of the live view: element statistics → what to draw on each element.
 * No DOM, no diagram-js, so it is unit-tested in Node.
 */

export interface ElementStatistics {
  elementId: string;
  /** projects (tokens) in the element now */
  active: number;
  /** open incidents in the element */
  incidents: number;
  /** age of the oldest active token in the element, ms */
  maxAgeMs?: number;
  /** mean age of the active tokens, ms */
  avgAgeMs?: number;
}

export type ColourBy = 'count' | 'age';

/** 0 = nothing there; 1 … 4 = light → heavy (CSS classes live-bucket-1 … live-bucket-4). */
export type Bucket = 0 | 1 | 2 | 3 | 4;

export interface OverlayModel {
  elementId: string;
  active: number;
  incidents: number;
  bucket: Bucket;
  /** text of the count badge, e.g. "3" */
  countLabel: string;
  /** e.g. "最久 12天" — empty when no age is known */
  ageLabel: string;
  /** tooltip */
  title: string;
}

export interface LiveViewOptions {
  colourBy: ColourBy;
  /**
   * Upper bounds (days, exclusive) of age buckets 1, 2 and 3; older is bucket 4.
   * Default 5 / 15 / 30 days: the regulation's review periods are mostly 5–15 working days
   * (e.g. joint review R10), and a month in one step is an escalation in any stage.
   */
  ageThresholdsDays: [number, number, number];
}

export const defaultLiveViewOptions: LiveViewOptions = {
  colourBy: 'count',
  ageThresholdsDays: [5, 15, 30],
};

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

/** Bucket by count, relative to the busiest element, so the colours always use the whole scale. */
export function countBucket(count: number, maxCount: number): Bucket {
  if (count <= 0 || maxCount <= 0) return 0;
  const ratio = Math.min(count / maxCount, 1);
  return Math.max(1, Math.ceil(ratio * 4)) as Bucket;
}

/** Bucket by age of the oldest token in absolute days, so "red" always means the same delay. */
export function ageBucket(ageMs: number | undefined, thresholdsDays: readonly [number, number, number]): Bucket {
  if (ageMs === undefined || !Number.isFinite(ageMs) || ageMs < 0) return 0;
  const days = ageMs / DAY_MS;
  if (days < thresholdsDays[0]) return 1;
  if (days < thresholdsDays[1]) return 2;
  if (days < thresholdsDays[2]) return 3;
  return 4;
}

/** "3天" / "5小时" / "不足1小时" */
export function formatAge(ageMs: number): string {
  if (ageMs >= DAY_MS) return `${Math.floor(ageMs / DAY_MS)}天`;
  if (ageMs >= HOUR_MS) return `${Math.floor(ageMs / HOUR_MS)}小时`;
  return '不足1小时';
}

/**
 * One overlay per element that has active tokens or incidents; elements with nothing are left
 * out (the caller clears their previous overlay). Duplicate rows for one element are summed,
 * keeping the oldest age, since statistics may arrive per process-definition version.
 */
export function toOverlayModels(
  stats: readonly ElementStatistics[],
  options: LiveViewOptions = defaultLiveViewOptions,
): OverlayModel[] {
  const merged = new Map<string, ElementStatistics>();
  for (const s of stats) {
    const prev = merged.get(s.elementId);
    if (!prev) {
      merged.set(s.elementId, { ...s });
      continue;
    }
    const total = prev.active + s.active;
    merged.set(s.elementId, {
      elementId: s.elementId,
      active: total,
      incidents: prev.incidents + s.incidents,
      maxAgeMs: maxDefined(prev.maxAgeMs, s.maxAgeMs),
      avgAgeMs:
        prev.avgAgeMs !== undefined && s.avgAgeMs !== undefined && total > 0
          ? (prev.avgAgeMs * prev.active + s.avgAgeMs * s.active) / total
          : (prev.avgAgeMs ?? s.avgAgeMs),
    });
  }
  const rows = [...merged.values()].filter((s) => s.active > 0 || s.incidents > 0);
  const maxCount = rows.reduce((m, s) => Math.max(m, s.active), 0);
  return rows.map((s) => {
    const bucket =
      options.colourBy === 'count'
        ? countBucket(s.active, maxCount)
        : ageBucket(s.active > 0 ? s.maxAgeMs : undefined, options.ageThresholdsDays);
    const ageLabel = s.active > 0 && s.maxAgeMs !== undefined ? `最久 ${formatAge(s.maxAgeMs)}` : '';
    const parts = [`在办 ${s.active} 个项目`];
    if (s.incidents > 0) parts.push(`异常 ${s.incidents} 个`);
    if (ageLabel) parts.push(ageLabel);
    if (s.active > 0 && s.avgAgeMs !== undefined) parts.push(`平均 ${formatAge(s.avgAgeMs)}`);
    return {
      elementId: s.elementId,
      active: s.active,
      incidents: s.incidents,
      bucket,
      countLabel: String(s.active),
      ageLabel,
      title: parts.join('，'),
    };
  });
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

/** HTML of the badges; every dynamic part is a number or from a fixed vocabulary, escaped anyway. */
export function badgeHtml(model: OverlayModel): { count: string; incident: string | null } {
  const count = `<div class="live-badge live-badge-count live-bucket-${model.bucket}" title="${escapeHtml(model.title)}" data-element-id="${escapeHtml(model.elementId)}">${escapeHtml(model.countLabel)}</div>`;
  const incident =
    model.incidents > 0
      ? `<div class="live-badge live-badge-incident" title="异常 ${model.incidents} 个" data-element-id="${escapeHtml(model.elementId)}">${model.incidents}</div>`
      : null;
  return { count, incident };
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
