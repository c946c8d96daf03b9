import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/cli';

// The process boundaries are enforced by lint (eslint.config.js): these prove a wrong
// import really fails, by linting small sources as if they lived in each folder.
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

  it('forbids shell.openExternal outside the one safe function', async () => {
    const code = "import { shell } from 'electron'; export const open = (url: string) => shell.openExternal(url);";
    expect(await ruleIds(code, 'src-main/electron/window-bad.ts')).toContain('no-restricted-syntax');
  });
});
