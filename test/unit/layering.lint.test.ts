import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli';

// The process boundaries and src-main's floors are enforced by lint (eslint.config.js):
// these prove a wrong import really fails, by linting small sources as if they lived in
// each folder.
const eslint = new ESLint({ cwd: REPO_ROOT });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${REPO_ROOT}/${filePath}` });
  return result!.messages.map((message) => message.ruleId ?? 'fatal');
}

describe('layering rules', () => {
  it.each([
    ["import { readFileSync } from 'node:fs'; export const x = readFileSync;", 'src-shared/domain/bad.ts'],
    ["import { EventEmitter } from 'events'; export const x = EventEmitter;", 'src-shared/domain/bad.ts'],
    ["import { app } from 'electron'; export const x = app;", 'src-shared/domain/bad.ts'],
    ["import { AppError } from '../../src-main/base/app-error'; export const x = AppError;", 'src-shared/domain/bad.ts'],
    ["import { openConsoleCore } from '../src-main/app/console-core'; export const x = openConsoleCore;", 'src-renderer/bad.ts'],
    ["import { ipcRenderer } from 'electron'; export const x = ipcRenderer;", 'src-renderer/bad.ts'],
    ["import { join } from 'node:path'; export const x = join;", 'src-renderer/bad.ts'],
    ["import { app } from 'electron'; export const x = app;", 'src-main/tenants/bad.ts'],
  ])('refuses %s in %s', async (code, filePath) => {
    expect(await ruleIds(code, filePath)).toContain('no-restricted-imports');
  });

  it('allows what each runtime may use', async () => {
    expect(await ruleIds("import { z } from 'zod'; import { events } from './events'; export const x = [z, events];", 'src-shared/contract/ok.ts')).toEqual([]);
    expect(await ruleIds("import { channels } from '../src-shared/contract/channels'; export const x = channels;", 'src-renderer/ok.ts')).toEqual([]);
    expect(await ruleIds("import { app } from 'electron'; export const x = app;", 'src-main/electron/ok.ts')).toEqual([]);
  });

  // Inside src-main: floors (SRC_MAIN_LAYERS). Upward, sideways on one floor, and anything from base are refused.
  it.each([
    ["import { ENV } from '../config/environment'; export const x = ENV;", 'src-main/base/bad.ts'],
    ["import { getTenant } from '../tenants/tenant-queries'; export const x = getTenant;", 'src-main/base/bad.ts'],
    ["import { backupTenant } from '../backup/backup-tenant'; export const x = backupTenant;", 'src-main/tenants/bad.ts'],
    ["import { changeTenantPlan } from '../plans/plan-change'; export const x = changeTenantPlan;", 'src-main/tenants/bad.ts'],
    ["import type { TenantRow } from '../tenants/tenant-rows'; export type X = TenantRow;", 'src-main/operations/bad.ts'],
    ["import { runJournaled } from '../operations/run-journaled'; export const x = runJournaled;", 'src-main/platform/bad.ts'],
    ["import { pushLimits } from '../limits/push-limits'; export const x = pushLimits;", 'src-main/tenant-schema/bad.ts'],
    ["import { createDispatch } from '../app/dispatch'; export const x = createDispatch;", 'src-main/offline/bad.ts'],
    ["import { handlers } from '../../app/handlers'; export const x = handlers;", 'src-main/billing/invoices/bad.ts'],
    ["import { backupTenant } from '../backup/backup-tenant'; export const x = backupTenant;", 'src-main/plans/bad.ts'],
    ["import { serve } from '../host/host-server'; export const x = serve;", 'src-main/electron/bad.ts'],
  ])('refuses %s in %s', async (code, filePath) => {
    expect(await ruleIds(code, filePath)).toContain('no-restricted-imports');
  });

  it('says which folder may not import which, and why', async () => {
    const [result] = await eslint.lintText("import { backupTenant } from '../backup/backup-tenant'; export const x = backupTenant;", { filePath: `${REPO_ROOT}/src-main/tenants/bad.ts` });
    expect(result!.messages.map((message) => message.message)).toEqual([
      expect.stringContaining('src-main/tenants may not import src-main/backup, which stands above it'),
    ]);
  });

  it('allows imports down the floors and within a folder', async () => {
    const allowed: [string, string][] = [
      ["import { AppError } from '../base/app-error'; export const x = AppError;", 'src-main/limits/ok.ts'],
      ["import { runJournaled } from '../operations/run-journaled'; export const x = runJournaled;", 'src-main/backup/ok.ts'],
      ["import { getTenantRow } from '../tenants/tenant-queries'; export const x = getTenantRow;", 'src-main/plans/ok.ts'],
      ["import type { PlatformContext } from '../platform/platform-context'; export type X = PlatformContext;", 'src-main/operations/ok.ts'],
      ["import { limitsSpecFor } from '../limits/limits-spec'; export const x = limitsSpecFor;", 'src-main/tenants/ok.ts'],
      ["import { getTenantRow } from '../../tenants/tenant-queries'; import { x as y } from '../billing-context'; export const x = [getTenantRow, y];", 'src-main/billing/invoices/ok.ts'],
      ["import { RECONCILERS } from './reconcilers'; import { backupTenant } from '../backup/backup-tenant'; export const x = [RECONCILERS, backupTenant];", 'src-main/app/ok.ts'],
      ["import { openConsoleCore } from '../app/console-core'; export const x = openConsoleCore;", 'src-main/cli/ok.ts'],
    ];
    for (const [code, filePath] of allowed) expect(await ruleIds(code, filePath), filePath).toEqual([]);
  });

  it('finds the real src-main within its floors', async () => {
    // Only the import rule runs here: `npm run lint` checks the rest, and parsing is the cost.
    const importsOnly = new ESLint({ cwd: REPO_ROOT, ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports' });
    const results = await importsOnly.lintFiles(['src-main']);
    const refused = results.flatMap((result) =>
      result.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => `${result.filePath}: ${message.message}`),
    );
    expect(results.length).toBeGreaterThan(100);
    expect(refused).toEqual([]);
  }, 120_000);

  it('forbids shell.openExternal outside the one safe function', async () => {
    const code = "import { shell } from 'electron'; export const open = (url: string) => shell.openExternal(url);";
    expect(await ruleIds(code, 'src-main/electron/window-bad.ts')).toContain('no-restricted-syntax');
  });
});
