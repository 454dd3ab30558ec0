/**
 * Export of the lists a user sees (tasks, incidents, mail outbox, users, projects at an element, the
 * dashboard's attention table) as CSV that Excel opens directly: UTF-8 with a byte-order mark,
 * CRLF line ends, RFC 4180 quoting. Cells that a spreadsheet would run as a formula are defused
 * (OWASP CSV injection). The project list itself is exported by the server as .xlsx.
 */

export interface Column<T> {
  label: string;
  value: (row: T) => string | number | boolean | null | undefined;
}

/** A cell as text: formulas defused, quoted when it holds a separator, a quote or a line break. */
export function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<T>(columns: Column<T>[], rows: readonly T[]): string {
  const lines = [columns.map((c) => csvCell(c.label)).join(',')];
  for (const r of rows) lines.push(columns.map((c) => csvCell(c.value(r))).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

/** "任务-20261125-1530.csv" (local time) */
export function exportName(prefix: string, at = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${prefix}-${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}.csv`;
}

export function downloadCsv<T>(prefix: string, columns: Column<T>[], rows: readonly T[]): void {
  const blob = new Blob([toCsv(columns, rows)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = exportName(prefix);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Every item of a paged list for the current filters (the API pages at most 100 per request),
 * up to `cap` items.
 */
export async function allPages<T>(
  fetchPage: (page: number, pageSize: number) => Promise<{ items: T[]; total: number }>,
  cap = 5000,
): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; out.length < cap; page++) {
    const r = await fetchPage(page, 100);
    out.push(...r.items);
    if (r.items.length < 100 || out.length >= r.total) break;
  }
  return out.slice(0, cap);
}

/** Case-insensitive match of a search text against some fields of a row. */
export function matches(q: string, ...fields: (string | number | null | undefined)[]): boolean {
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  return fields.some((f) => f !== null && f !== undefined && String(f).toLowerCase().includes(needle));
}
