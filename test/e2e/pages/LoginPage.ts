import type { Page } from 'playwright-core';

export class LoginPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<this> {
    await this.page.goto('/');
    await this.page.getByRole('button', { name: '登 录' }).waitFor({ timeout: 30_000 });
    return this;
  }

  heading() {
    return this.page.locator('h1');
  }

  async login(username: string, password: string): Promise<void> {
    await this.page.locator('input[name="username"]').fill(username);
    await this.page.locator('input[name="password"]').fill(password);
    await this.page.locator('[data-test="login-submit"]').click();
  }

  error() {
    return this.page.locator('[data-test="login-error"]');
  }
}
