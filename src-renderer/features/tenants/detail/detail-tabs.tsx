import type { ComponentType } from 'react';
import { IconArchive, IconChartBar, IconHistory, IconInfoCircle, IconReceipt2, type Icon } from '@tabler/icons-react';
import type { TenantDetail } from '../../../../src-shared/contract/models';
import { BackupsPanel } from '../../backups/BackupsPanel';
import { TenantBillingTab } from '../../billing/TenantBillingTab';
import { TenantActivity } from './TenantActivity';
import { TenantOverview } from './TenantOverview';
import { TenantUsagePlan } from '../usage-plan/TenantUsagePlan';
import type { TenantTabName } from '../../../navigation/page-names';

interface TenantDetailTab {
  readonly value: TenantTabName;
  readonly label: string;
  readonly icon: Icon;
  /** Mounted only while its tab is shown, so a tab loads its own data when opened. */
  readonly Panel: ComponentType<{ tenant: TenantDetail }>;
}

function ActivityPanel({ tenant }: { tenant: TenantDetail }) {
  return <TenantActivity tenantCode={tenant.tenantCode} />;
}

/** The tenant drawer's tabs, in order. A capability adds its tab here (one entry), and its name in navigation/page-names.ts (the address). */
export const TENANT_DETAIL_TABS: readonly TenantDetailTab[] = [
  { value: 'overview', label: 'Overview', icon: IconInfoCircle, Panel: TenantOverview },
  { value: 'usage', label: 'Usage & plan', icon: IconChartBar, Panel: TenantUsagePlan },
  { value: 'billing', label: 'Billing', icon: IconReceipt2, Panel: TenantBillingTab },
  { value: 'activity', label: 'Activity', icon: IconHistory, Panel: ActivityPanel },
  { value: 'backups', label: 'Backups', icon: IconArchive, Panel: BackupsPanel },
];
