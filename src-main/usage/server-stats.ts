import type pg from 'pg';

/** What the server itself knows about one tenant database, read without connecting to it. */
export interface DatabaseStats {
  readonly database: string;
  readonly allowsConnections: boolean;
  readonly databaseBytes: number;
  /** tup_inserted + tup_updated + tup_deleted: a read-only visit never moves these. */
  readonly tupleChanges: number;
  readonly statsReset: Date | null;
  readonly commits: number;
  readonly sessions: number;
  readonly connections: number;
}

/**
 * One admin round trip for every tenant database on a server: sizes and the cumulative
 * statistics the incremental rule compares. Databases missing from the catalog are absent
 * from the map (the caller reports them).
 */
export async function readServerStats(admin: Pick<pg.ClientBase, 'query'>, databases: readonly string[]): Promise<Map<string, DatabaseStats>> {
  const { rows } = await admin.query<{
    datname: string;
    datallowconn: boolean;
    bytes: number;
    tuple_changes: number;
    stats_reset: Date | null;
    commits: number;
    sessions: number;
    connections: number;
  }>(
    `SELECT d.datname, d.datallowconn, pg_database_size(d.oid) AS bytes,
            COALESCE(s.tup_inserted + s.tup_updated + s.tup_deleted, 0)::int8 AS tuple_changes,
            s.stats_reset,
            COALESCE(s.xact_commit, 0)::int8 AS commits,
            COALESCE(s.sessions, 0)::int8 AS sessions,
            COALESCE(s.numbackends, 0) AS connections
       FROM pg_database d
       LEFT JOIN pg_stat_database s ON s.datid = d.oid
      WHERE d.datname = ANY($1::text[])`,
    [databases],
  );
  return new Map(
    rows.map((row) => [
      row.datname,
      {
        database: row.datname,
        allowsConnections: row.datallowconn,
        databaseBytes: row.bytes,
        tupleChanges: row.tuple_changes,
        statsReset: row.stats_reset,
        commits: row.commits,
        sessions: row.sessions,
        connections: row.connections,
      },
    ]),
  );
}
