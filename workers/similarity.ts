/**
 * Text similarity for the duplicate-construction check (R9, R10, R16): Chinese has no spaces, so
 * texts are compared as multisets of character bigrams (cosine) and sets of bigrams (Jaccard).
 * Words every project name shares (项目, 系统, 建设 …) are removed first: otherwise any two
 * "XX系统建设项目" would look alike.
 */

/** Generic words of project names and descriptions that carry no identity. */
export const STOP_WORDS = [
  '叶集区',
  '叶集',
  '区级',
  '全区',
  '项目',
  '系统',
  '平台',
  '建设',
  '工程',
  '一期',
  '二期',
  '三期',
  '升级',
  '改造',
  '扩建',
  '新建',
  '信息化',
  '政务',
  '管理',
  '服务',
  '采购',
  '及',
  '和',
  '与',
  '的',
];

/** Lower-cased letters, digits and CJK only, stop words (and any extra ones, longest first) removed. */
export function normalise(text: string, extraStopWords: readonly string[] = []): string {
  let t = text.toLowerCase().normalize('NFKC');
  const words = [...extraStopWords, ...STOP_WORDS].filter(Boolean).sort((a, b) => b.length - a.length);
  for (const w of words) t = t.split(w).join(' ');
  return t.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Character bigrams of each run of the normalised text; a one-character run counts as itself. */
export function bigrams(text: string, extraStopWords: readonly string[] = []): Map<string, number> {
  const grams = new Map<string, number>();
  for (const run of normalise(text, extraStopWords).split(' ')) {
    const chars = [...run];
    if (chars.length === 0) continue;
    if (chars.length === 1) grams.set(chars[0]!, (grams.get(chars[0]!) ?? 0) + 1);
    for (let i = 0; i + 1 < chars.length; i++) {
      const g = chars[i]! + chars[i + 1]!;
      grams.set(g, (grams.get(g) ?? 0) + 1);
    }
  }
  return grams;
}

export function cosine(a: Map<string, number>, b: Map<string, number>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let dot = 0;
  for (const [g, n] of a) dot += n * (b.get(g) ?? 0);
  const norm = (m: Map<string, number>) => Math.sqrt([...m.values()].reduce((s, n) => s + n * n, 0));
  return dot / (norm(a) * norm(b));
}

export function jaccard(a: Map<string, number>, b: Map<string, number>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  for (const g of a.keys()) if (b.has(g)) inter++;
  return inter / (a.size + b.size - inter);
}

export interface Comparable {
  name: string;
  description?: string;
}

/**
 * Similarity of two projects, 0–1: the name weighs most (cosine of bigrams); a description, where
 * both have one, adds its own cosine. Organisation names are passed as extra stop words: two
 * projects of 区教育局 are not alike because both names say 教育局. Rounded to three decimals so reports and tests are stable.
 */
export function projectSimilarity(a: Comparable, b: Comparable, extraStopWords: readonly string[] = []): number {
  const g = (s: string) => bigrams(s, extraStopWords);
  const name = cosine(g(a.name), g(b.name));
  const da = a.description?.trim();
  const db = b.description?.trim();
  const score = da && db ? 0.6 * name + 0.4 * cosine(g(da), g(db)) : name;
  return Math.round(score * 1000) / 1000;
}
