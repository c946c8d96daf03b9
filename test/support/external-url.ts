/** The external server the full tier also runs on (PostgreSQL 15 on 127.0.0.1:5432 here). Plain module: global setup reads it too. */
export const EXTERNAL_URL = process.env.TENANT_CONSOLE_TEST_EXTERNAL_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
