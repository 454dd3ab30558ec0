import type { Page } from 'playwright-core';

/** 新建项目申报 (附件1): the form, the R6 material inputs, submit. */
export class ApplyPage {
  constructor(private readonly page: Page) {}

  async openFromDashboard(): Promise<void> {
    await this.page.locator('[data-test="new-application"]').click();
    await this.page.locator('[data-test="application-form"]').waitFor();
  }

  async fill(fields: Record<string, string>): Promise<void> {
    for (const [name, value] of Object.entries(fields)) {
      const input = this.page.locator(
        `[data-test="application-form"] input[name="${name}"], [data-test="application-form"] textarea[name="${name}"]`,
      );
      await input.fill(value);
    }
  }

  async choose(label: string): Promise<void> {
    await this.page.locator('[data-test="application-form"] .el-radio').filter({ hasText: label }).first().click();
  }

  async attach(kind: string, file: string): Promise<void> {
    await this.page.locator(`[data-test="file-${kind}"]`).setInputFiles(file);
  }

  async submit(): Promise<void> {
    await this.page.locator('[data-test="apply-submit"]').click();
  }

  error() {
    return this.page.locator('[data-test="apply-error"]');
  }
}
