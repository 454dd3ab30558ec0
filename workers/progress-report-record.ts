/**
 * egov.progress-report-record — R15: the quarterly progress report (附件2) is filed with the data
 * bureau; whether it came within the first 5 working days is kept with it (late reports can
 * lead to an R27 order).
 */
import { z } from 'zod';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { CalendarRangeError } from '../services/calendar';
import { nextQuarterStart } from '../services/domain/lifecycle';
import { dayOf, recordProgressReport } from '../services/domain/process-records';
import { amount, dateLike, projectIdSchema, toMoney } from './support';

const text = (max: number) => z.string().trim().max(max).nullish();
export const progressReportInput = z.object({
  projectId: projectIdSchema,
  reportQuarter: z
    .string()
    .regex(/^\d{4}-?Q[1-4]$/)
    .transform((q) => q.replace('-', '')),
  reportDueDate: z.string().nullish(),
  reportDepartmentName: text(100),
  reportResponsiblePerson: text(60),
  reportDate: dateLike.nullish(),
  reportFax: text(30),
  reportContactPerson: text(60),
  reportPhone: text(30),
  reportMobile: text(30),
  reportEmail: text(120),
  reportProjectName: text(200),
  reportMainContent: text(5000),
  reportConstructionUnit: text(100),
  reportProgress: text(5000),
  expectedCompletionDate: dateLike.nullish(),
  reportTotalInvestment: amount.nullish(),
  reportInvestedAmount: amount.nullish(),
});

export function createProgressReportRecordWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.progress-report-record',
    description:
      'R15: files the 附件2 progress report; lastReportedQuarter = reportQuarter; on time = within the 5-working-day window',
    input: progressReportInput,
    output: z.object({ lastReportedQuarter: z.string(), reportOnTime: z.boolean() }),
    async apply({ m, project, v, now, today }) {
      const onTime = !v.reportDueDate || now.getTime() <= Date.parse(v.reportDueDate);
      // the 附件2 report in the domain (progress_report), in the API's form shape so the printable
      // 附件2 and the dashboard's R15 status read it
      const quarter = `${v.reportQuarter.slice(0, 4)}-${v.reportQuarter.slice(4)}`;
      let dueOn = dayOf(v.reportDueDate);
      if (!dueOn) {
        try {
          dueOn = deps.calendar.quarterReportWindow(nextQuarterStart(quarter)).end;
        } catch (err) {
          if (!(err instanceof CalendarRangeError)) throw err;
          dueOn = nextQuarterStart(quarter);
        }
      }
      await recordProgressReport(m, project.id, {
        quarter,
        data: {
          quarter,
          responsiblePerson: v.reportResponsiblePerson ?? project.responsiblePerson,
          fax: v.reportFax ?? undefined,
          contactPerson: v.reportContactPerson ?? '',
          phone: v.reportPhone ?? '',
          mobile: v.reportMobile ?? '',
          email: v.reportEmail ?? '',
          mainContent: v.reportMainContent ?? '',
          progress: v.reportProgress ?? '',
          expectedCompletion: v.expectedCompletionDate ?? '',
          totalInvestment: toMoney(v.reportTotalInvestment ?? Number(project.totalInvestment)),
          invested: toMoney(v.reportInvestedAmount ?? 0),
        },
        submittedOn: today,
        dueOn,
      });
      return { lastReportedQuarter: v.reportQuarter, reportOnTime: onTime };
    },
  });
}
