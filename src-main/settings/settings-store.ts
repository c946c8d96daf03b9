import type pg from 'pg';
import { SETTINGS, type SettingName, type SettingValue } from './setting-definitions';

type Queryable = Pick<pg.ClientBase, 'query'>;

export type SettingValues<N extends SettingName> = { [K in N]: SettingValue<K> };

/**
 * The only code that reads or writes the platform `settings` table. Each value is parsed by
 * its definition; a missing row, or one that does not parse (edited by hand), reads as the
 * definition's default, so every reader sees the same value.
 */
export async function readSettings<N extends SettingName>(db: Queryable, names: readonly N[]): Promise<SettingValues<N>> {
  const { rows } = await db.query<{ key: string; value: unknown }>('SELECT key, value FROM settings WHERE key = ANY($1::text[])', [
    names.map((name) => SETTINGS[name].key),
  ]);
  const stored = new Map(rows.map((row) => [row.key, row.value]));
  const values: Partial<Record<SettingName, unknown>> = {};
  for (const name of names) values[name] = parseSetting(name, stored.get(SETTINGS[name].key));
  return values as SettingValues<N>;
}

export async function readSetting<N extends SettingName>(db: Queryable, name: N): Promise<SettingValue<N>> {
  return (await readSettings(db, [name]))[name];
}

function parseSetting(name: SettingName, stored: unknown): unknown {
  const definition = SETTINGS[name];
  if (stored === undefined || stored === null) return definition.defaultValue;
  const parsed = definition.schema.safeParse(stored);
  return parsed.success ? parsed.data : definition.defaultValue;
}

/** Upserts the given settings (undefined: left as is; null: the row goes, so the default applies). */
export async function writeSettings(db: Queryable, patch: { readonly [K in SettingName]?: SettingValue<K> | null | undefined }): Promise<void> {
  for (const [name, value] of Object.entries(patch) as [SettingName, unknown][]) {
    if (value === undefined) continue;
    const { key } = SETTINGS[name];
    if (value === null) {
      await db.query('DELETE FROM settings WHERE key = $1', [key]);
      continue;
    }
    await db.query(
      `INSERT INTO settings (key, value) VALUES ($1, $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [key, JSON.stringify(value)],
    );
  }
}
