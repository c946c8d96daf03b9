import type { ComponentType } from 'react';
import { IconBuildingSkyscraper, IconChartBar, IconPackages, IconReceipt2, IconSettings, IconShieldCheck, IconUsersGroup, type Icon } from '@tabler/icons-react';
import type { ChannelName } from '../src-shared/contract/channels';
import { SettingsPage } from './features/settings/SettingsPage';
import { TenantsPage } from './features/tenants/TenantsPage';
import { UsagePage } from './features/usage/UsagePage';
import { PlansPage } from './features/plans/PlansPage';
import { AuditPage } from './features/audit/AuditPage';
import { BillingPage } from './features/billing/BillingPage';
import { OperatorsPage } from './features/operators/OperatorsPage';
import type { PageName } from './navigation/page-names';

export type { PageName };

export interface PageDefinition {
  readonly name: PageName;
  readonly label: string;
  /** Shown under the label for console pages (and kept as the page's one-line summary). */
  readonly description: string;
  readonly icon: Icon;
  readonly section: 'operations' | 'console';
  readonly component: ComponentType;
  /** The read the page is made of, for pages not every role may open: the navbar shows it disabled, with the reason. */
  readonly needs?: ChannelName;
}

/**
 * Every page of the console, in navbar order. A capability adds its page here (one entry),
 * and the navbar, the router and the tests' `nav-<name>` ids follow.
 */
export const PAGES = [
  { name: 'tenants', label: 'Tenants', description: 'Provision, find and manage tenants', icon: IconBuildingSkyscraper, section: 'operations', component: TenantsPage },
  { name: 'usage', label: 'Usage', description: 'Usage dashboards per tenant and plan', icon: IconChartBar, section: 'operations', component: UsagePage },
  { name: 'plans', label: 'Plans', description: 'Plan versions, moving tenants, tenant-schema migrations', icon: IconPackages, section: 'operations', component: PlansPage },
  { name: 'audit', label: 'Audit', description: 'The tamper-evident log of operator actions', icon: IconShieldCheck, section: 'operations', component: AuditPage },
  { name: 'billing', label: 'Billing', description: 'Trials, subscriptions and invoices', icon: IconReceipt2, section: 'operations', component: BillingPage },
  { name: 'operators', label: 'Operators', description: 'Who signs in, and their roles', icon: IconUsersGroup, section: 'console', component: OperatorsPage, needs: 'operators:list' },
  { name: 'settings', label: 'Settings', description: 'Domain, limits, backups, sign-in', icon: IconSettings, section: 'console', component: SettingsPage },
] as const satisfies readonly PageDefinition[];

/** Every name in navigation/page-names.ts has its page here (this fails to compile otherwise). */
type PageWithoutEntry = Exclude<PageName, (typeof PAGES)[number]['name']>;
export const EVERY_PAGE_HAS_AN_ENTRY: PageWithoutEntry extends never ? true : PageWithoutEntry = true;
