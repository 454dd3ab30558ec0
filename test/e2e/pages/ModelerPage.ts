import type { Page } from 'playwright-core';

export class ModelerPage {
  constructor(private readonly page: Page) {}

  async waitReady(): Promise<void> {
    await this.page.locator('[data-test="modeler-canvas"] .djs-container').waitFor({ timeout: 60_000 });
    await this.page.locator('[data-test="problem-count"]').waitFor();
  }

  async openFile(file: string): Promise<void> {
    await this.page.locator('[data-test="file-input"]').setInputFiles(file);
  }

  status() {
    return this.page.locator('[data-test="modeler-status"]');
  }

  /** e.g. "3 个错误 · 1 个警告/提示" */
  problemCount() {
    return this.page.locator('[data-test="problem-count"]');
  }

  problemRows() {
    return this.page.locator('[data-test="problems"] .el-table__body tr');
  }

  shapes() {
    return this.page.locator('[data-test="modeler-canvas"] .djs-shape');
  }

  /** Rename an element through the canvas' direct editing. */
  async renameElement(elementId: string, name: string): Promise<void> {
    const el = this.page.locator(`[data-test="modeler-canvas"] [data-element-id="${elementId}"]`).first();
    await el.dblclick();
    const editor = this.page.locator('.djs-direct-editing-parent');
    await editor.waitFor();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.type(name);
    await this.page.locator('[data-test="modeler-canvas"] .djs-container').click({ position: { x: 5, y: 5 } });
  }

  async saveDraft(): Promise<void> {
    await this.page.locator('[data-test="save-draft"]').click();
  }

  deployButton() {
    return this.page.locator('[data-test="deploy"]');
  }
}
