/** The domain's migrations, in timestamp order (appended to services/db/schema.ts). */
import { Identity1764100000000 } from './1764100000000-Identity';
import { Projects1764100001000 } from './1764100001000-Projects';
import { Oversight1764100002000 } from './1764100002000-Oversight';
import { Lifecycle1764100003000 } from './1764100003000-Lifecycle';
import { Delivery1764100004000 } from './1764100004000-Delivery';
import { Plans1764100005000 } from './1764100005000-Plans';
import { StageHistory1764100006000 } from './1764100006000-StageHistory';
import { ProcessRecords1764100007000 } from './1764100007000-ProcessRecords';
import { AttemptHistory1764302000000 } from './1764302000000-AttemptHistory';
import { ApproversAndAllocations1764303000000 } from './1764303000000-ApproversAndAllocations';
import { Revisions1764304000000 } from './1764304000000-Revisions';
import { RectificationDeciders1764308000000 } from './1764308000000-RectificationDeciders';
import { TaskCompletionRequest1764310000000 } from './1764310000000-TaskCompletionRequest';
import { AnnualPlanningProcess1764313000000 } from './1764313000000-AnnualPlanningProcess';

export const domainMigrations = [
  Identity1764100000000,
  Projects1764100001000,
  Oversight1764100002000,
  Lifecycle1764100003000,
  Delivery1764100004000,
  Plans1764100005000,
  StageHistory1764100006000,
  ProcessRecords1764100007000,
  AttemptHistory1764302000000,
  ApproversAndAllocations1764303000000,
  Revisions1764304000000,
  RectificationDeciders1764308000000,
  TaskCompletionRequest1764310000000,
  AnnualPlanningProcess1764313000000,
];
