/**
 * 催办 end to end: a bureau manager's POST /api/projects/:id/urge over real HTTP reaches a real
 * SMTP server through the outbox and the dispatcher that start-up runs — at once (the next
 * dispatcher pass), not on the hourly reminder schedule.
 */
import pino from 'pino';
import { DEMO_PASSWORD, seedDemoData } from '../../services/demo/seed';
import { ProjectEntity } from '../../services/domain/entities';
import { createEngineClient } from '../../services/engine-client';
import { startNotifications, type Notifications } from '../../services/notify';
import { startSmtpServer, type TestSmtpServer } from './notify-support';
import { startTestApi, type TestApi } from './support/api';

describe('催办 over HTTP to a real SMTP server', () => {
  let smtp: TestSmtpServer;
  let api: TestApi;
  let notifications: Notifications;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    api = await startTestApi({
      env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), MAIL_DISPATCH_INTERVAL_MS: '500' },
    });
    await seedDemoData(api.services);
    notifications = startNotifications({
      config: api.config,
      dataSource: api.ds,
      engine: createEngineClient({ restAddress: 'http://127.0.0.1:9' }),
      logger: pino({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await notifications?.stop();
    await api?.close();
    await smtp?.close();
  });

  it('should deliver the urge to the department’s contacts right away, with the manager’s message', async () => {
    const users = (await api.ds.query('SELECT email, roles, org_id FROM app_user WHERE disabled = ? ORDER BY id', [
      false,
    ])) as { email: string; roles: string; org_id: number }[];
    const contactsOf = (orgId: number) =>
      users
        .filter((u) => Number(u.org_id) === orgId && u.roles.split(',').some((r) => r === 'staff' || r === 'manager'))
        .map((u) => u.email)
        .sort();
    const projects = await api.ds.getRepository(ProjectEntity).find({ order: { id: 'ASC' } });
    const project = projects.find((p) => contactsOf(p.orgId).length > 0)!;
    const contacts = contactsOf(project.orgId);
    expect(contacts.length).toBeGreaterThan(0);

    const manager = api.client();
    await manager.login('sgj.manager', DEMO_PASSWORD);
    const res = await manager.post<{ sent: number }>(`/api/projects/${project.id}/urge`, {
      message: '请于本周五前提交 <修改稿>',
    });
    expect(res.status).toBe(200);
    expect(res.body.sent).toBe(contacts.length);

    const urges = () => smtp.received.filter((m) => m.parsed.subject?.startsWith('【催办】'));
    // the runner's first pass over the demo data queued escalations ahead of it: they go first
    for (let i = 0; i < 400 && urges().length < contacts.length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(
      urges()
        .map((m) => m.envelopeTo[0])
        .sort(),
    ).toEqual(contacts);
    const mail = urges()[0]!;
    expect(mail.parsed.subject).toBe(
      `【催办】${project.name}：${mail.parsed.subject!.split('：').slice(1).join('：')}`,
    );
    expect(mail.parsed.text).toContain('催办人：王科长（数管局）');
    expect(mail.parsed.text).toContain('催办说明：请于本周五前提交 <修改稿>');
    expect(mail.parsed.html).toContain('请于本周五前提交 &lt;修改稿&gt;');
    expect(mail.parsed.text).toContain(`/#/projects/${project.id}`);
  });
});
