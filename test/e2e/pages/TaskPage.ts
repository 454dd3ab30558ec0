import type { Locator, Page } from 'playwright-core';

/** 待办任务: find a task, open it, claim, fill its form-js form, submit. */
export class TaskPage {
  constructor(private readonly page: Page) {}

  async open(search: string, taskName: string, scope: '全部' | '我的任务' | '我所在组的任务' = '全部'): Promise<void> {
    await this.page.locator('[data-test="menu-tasks"]').click();
    await this.page.locator('[data-test="task-scope"]').getByText(scope, { exact: true }).click();
    // Element Plus passes the attribute to the <input> itself
    await this.page.locator('input[data-test="task-search"], [data-test="task-search"] input').first().fill(search);
    const row = this.page.locator('[data-test="task-table"] .el-table__body tr').filter({ hasText: taskName }).first();
    await row.waitFor();
    await row.click();
    await this.form().locator('.fjs-form').waitFor();
  }

  form(): Locator {
    return this.page.locator('[data-test="task-form"]');
  }

  async claim(): Promise<void> {
    await this.page.locator('[data-test="claim"]').click();
    await this.page.locator('[data-test="complete"]').waitFor();
  }

  /** the form-js field whose label starts with `label` */
  field(label: string): Locator {
    return this.form()
      .locator('.fjs-form-field')
      .filter({ has: this.page.locator('.fjs-form-field-label').filter({ hasText: label }) })
      .first();
  }

  async fill(label: string, value: string): Promise<void> {
    await this.field(label).locator('input:not([type="radio"]):not([type="checkbox"]), textarea').first().fill(value);
  }

  async choose(label: string, option: string): Promise<void> {
    await this.field(label).locator('label').filter({ hasText: option }).first().click();
  }

  async check(label: string): Promise<void> {
    await this.field(label).locator('input[type="checkbox"]').first().check();
  }

  async submit(): Promise<void> {
    await this.page.locator('[data-test="complete"]').click();
    await this.page.locator('.el-message--success').filter({ hasText: '已提交' }).waitFor();
  }
}
