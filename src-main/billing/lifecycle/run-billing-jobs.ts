import type { JobRunReport, JobRunSummary } from '../../../src-shared/contract/billing-models';
import type { BillingContext } from '../billing-context';
import { notBuilt } from '../not-built';

export type JobTrigger = 'schedule' | 'cli' | 'operator' | 'test';

/** One lifecycle run under the platform lock (LOCK_BILLING_JOBS); ran: false when another runner holds it. */
export async function runBillingJobs(_b: BillingContext, _trigger: JobTrigger): Promise<JobRunReport> {
  return notBuilt('runBillingJobs');
}
export async function listJobRuns(_b: BillingContext, _limit: number): Promise<JobRunSummary[]> {
  return notBuilt('listJobRuns');
}
