import type { Page } from 'playwright-core';

export class ProjectPage {
  constructor(private readonly page: Page) {}

  async open(id: number | string): Promise<void> {
    await this.page.evaluate((h) => (location.hash = h), `/projects/${id}`);
  }

  head() {
    return this.page.locator('[data-test="project-head"]');
  }

  forbidden() {
    return this.page.locator('[data-test="project-forbidden"]');
  }

  /** 退回修改: the notice with the reasons, and its "修改申报表并重新提交" button */
  returned() {
    return this.page.locator('[data-test="returned"]');
  }

  async revise(): Promise<void> {
    await this.page.locator('[data-test="revise"]').click();
    await this.page.locator('[data-test="revise-reasons"]').waitFor();
  }

  /** the 附件1 versions card: the shown version's head and its changes against the one before */
  versions() {
    return this.page.locator('[data-test="versions"]');
  }
}
