import type { Page } from 'playwright-core';

/** The signed-in shell: side menu by role, current user, logout. */
export class LayoutPage {
  constructor(private readonly page: Page) {}

  async waitUntilSignedIn(): Promise<void> {
    await this.page.locator('[data-test="current-user"]').waitFor({ timeout: 30_000 });
  }

  currentUser() {
    return this.page.locator('[data-test="current-user"]');
  }

  /** names of the screens in the side menu, e.g. ['tasks', 'dashboard'] */
  async menu(): Promise<string[]> {
    const items = await this.page
      .locator('[data-test^="menu-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-test') ?? ''));
    return items.map((s) => s.replace(/^menu-/, ''));
  }

  async go(screen: string): Promise<void> {
    await this.page.locator(`[data-test="menu-${screen}"]`).click();
  }

  async goTo(hashPath: string): Promise<void> {
    await this.page.evaluate((h) => (location.hash = h), hashPath);
  }

  async logout(): Promise<void> {
    await this.page.locator('[data-test="logout"]').click();
  }
}
