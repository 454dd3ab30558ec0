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
    const input = this.field(label).locator('input:not([type="radio"]):not([type="checkbox"]), textarea').first();
    await input.fill(value);
    // form-js takes typed text after a debounce, or on blur: blur, so the next field's change cannot drop it
    await input.blur();
    await this.page.waitForTimeout(400);
  }

  async choose(label: string, option: string): Promise<void> {
    await this.field(label).locator('label').filter({ hasText: option }).first().click();
  }

  async check(label: string): Promise<void> {
    const box = this.field(label).locator('input[type="checkbox"]').first();
    // form-js may re-render the field while the click lands: retry until it sticks
    for (let i = 0; i < 5 && !(await box.isChecked()); i++) {
      await box.click();
      await this.page.waitForTimeout(300);
    }
    if (!(await box.isChecked())) throw new Error(`checkbox "${label}" does not stay checked`);
  }

  /** Submits; fails with the UI's own message when the form or the server refuses. */
  async submit(): Promise<void> {
    await this.page.locator('[data-test="complete"]').click();
    const done = this.page.locator('.el-message--success').filter({ hasText: '已提交' });
    const refused = this.page.locator('.el-message--warning, .el-message--error');
    await done.or(refused).first().waitFor();
    if (!(await done.count())) throw new Error(`submission refused: ${await refused.first().innerText()}`);
  }
}
