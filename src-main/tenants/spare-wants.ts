import type pg from 'pg';
import { planTemplateSpec } from '../platform/plan-templates';
import type { SpareWants } from '../platform/spare-pool';
import { readSettings } from '../settings/settings-store';
import { listCurrentPlans } from './tenant-queries';

/**
 * What the spare pool should hold: the setting's number of spares for the template of each
 * plan's current version — exactly the template provisioning clones (provision.ts computes
 * the same spec from the same plan row and threshold).
 */
export async function spareWants(db: Pick<pg.ClientBase, 'query'>): Promise<SpareWants> {
  const [plans, settings] = await Promise.all([listCurrentPlans(db), readSettings(db, ['limitWarningPercent', 'spareDatabasesPerPlan'])]);
  return {
    perTemplate: settings.spareDatabasesPerPlan,
    specs: plans.map((plan) => planTemplateSpec(plan, settings.limitWarningPercent)),
  };
}
