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
}
