import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMIT_WARNING_PERCENT, SETTINGS, type SettingName } from '../../src-main/settings/setting-definitions';
import { REPO_ROOT } from '../support/cli';

const names = Object.keys(SETTINGS) as SettingName[];

/** The rows the platform migrations seed into `settings`: key → JSON value. */
function seededRows(): Map<string, unknown> {
  const folder = join(REPO_ROOT, 'src-main/platform/migrations');
  const rows = new Map<string, unknown>();
  for (const file of readdirSync(folder)) {
    const text = readFileSync(join(folder, file), 'utf8');
    for (const insert of text.matchAll(/INSERT INTO settings \(key, value\) VALUES([\s\S]*?)(?:ON CONFLICT[^;]*)?;/g)) {
      for (const row of insert[1]!.matchAll(/\('(\w+)',\s*'([^']*)'\)/g)) rows.set(row[1]!, JSON.parse(row[2]!));
    }
  }
  return rows;
}

describe('setting definitions', () => {
  it('give each setting its own key, and a default its own parser accepts', () => {
    expect(new Set(names.map((name) => SETTINGS[name].key)).size).toBe(names.length);
    for (const name of names) {
      const { schema, defaultValue } = SETTINGS[name];
      expect(schema.safeParse(defaultValue), name).toMatchObject({ success: true, data: defaultValue });
    }
  });

  it('export the warning threshold default once', () => {
    expect(SETTINGS.limitWarningPercent.defaultValue).toBe(DEFAULT_LIMIT_WARNING_PERCENT);
  });

  it('agree with the rows the platform migrations seeded (history that is never edited)', () => {
    const seeded = seededRows();
    expect(seeded.size).toBeGreaterThanOrEqual(18);
    for (const [key, value] of seeded) {
      const name = names.find((n) => SETTINGS[n].key === key);
      expect(name, `${key} has a definition`).toBeDefined();
      // Read as every reader reads it: a field added later (e.g. smtp.allowPlaintext) takes its default.
      expect(SETTINGS[name!].schema.parse(value), key).toEqual(SETTINGS[name!].defaultValue);
    }
  });

  it('read a row edited by hand as the default instead of a wrong value', () => {
    expect(SETTINGS.limitWarningPercent.schema.safeParse(0).success).toBe(false);
    expect(SETTINGS.limitWarningPercent.schema.safeParse('75')).toMatchObject({ success: true, data: 75 });
    expect(SETTINGS.usageCollectionIntervalHours.schema.safeParse(-1).success).toBe(false);
    expect(SETTINGS.billingSmtp.schema.safeParse({ host: 'mail.example.com' })).toMatchObject({
      success: true,
      data: { host: 'mail.example.com', port: 587, secure: false, username: null, from: null },
    });
  });
});
