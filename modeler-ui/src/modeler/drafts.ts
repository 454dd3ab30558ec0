/** Drafts live in the browser (localStorage), one per process id, until deployed. */
export interface Draft {
  processId: string;
  xml: string;
  savedAt: string;
  /** the deployed version the draft started from, if any */
  baseVersion?: number;
}

const PREFIX = 'yeji.modeler.draft.';

export function saveDraft(draft: Draft): void {
  localStorage.setItem(PREFIX + draft.processId, JSON.stringify(draft));
}

export function loadDraft(processId: string): Draft | null {
  const raw = localStorage.getItem(PREFIX + processId);
  if (!raw) return null;
  try {
    return JSON.parse(raw) as Draft;
  } catch {
    return null;
  }
}

export function listDrafts(): Draft[] {
  const out: Draft[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (!key?.startsWith(PREFIX)) continue;
    const d = loadDraft(key.slice(PREFIX.length));
    if (d) out.push(d);
  }
  return out.sort((a, b) => b.savedAt.localeCompare(a.savedAt));
}

export function deleteDraft(processId: string): void {
  localStorage.removeItem(PREFIX + processId);
}
