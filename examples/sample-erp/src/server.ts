/**
 * Runs the sample ERP:
 *
 *   TENANT_API_URL=http://127.0.0.1:8787 TENANT_API_KEY=tc_… \
 *   ERP_CREDENTIALS_FILE=./tenant-passwords.json [ERP_FRAMEWORK=fastify] [PORT=3000] npm start
 *
 * tenant-passwords.json maps tenant codes to the passwords `POST /api/tenants` (or
 * `tenantctl create --json`) returned once: a stand-in for the ERP's own secret store.
 */
import { readFile } from 'node:fs/promises';
import { createErpKit } from '../../../erp-kit/src/index.js';
import { createExpressErp } from './express-app.js';
import { createFastifyErp } from './fastify-app.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Set ${name} (see examples/sample-erp/README.md).`);
  return value;
}

const credentialsFile = required('ERP_CREDENTIALS_FILE');
const kit = createErpKit({
  resolver: { apiUrl: required('TENANT_API_URL'), apiKey: required('TENANT_API_KEY') },
  // Read on each new connection, so a password added or rotated in the file needs no restart.
  credentialsFor: async (tenantCode) => {
    const stored = JSON.parse(await readFile(credentialsFile, 'utf8')) as Record<string, string>;
    const password = Object.hasOwn(stored, tenantCode) ? stored[tenantCode] : undefined;
    if (!password) throw new Error(`No password stored for tenant ${tenantCode} in ${credentialsFile}.`);
    return password;
  },
});

const port = Number(process.env.PORT ?? 3000);
if (process.env.ERP_FRAMEWORK === 'fastify') {
  const app = await createFastifyErp(kit);
  await app.listen({ port, host: '127.0.0.1' });
} else {
  createExpressErp(kit).listen(port, '127.0.0.1');
}
console.log(`Sample ERP on http://127.0.0.1:${port} (try: curl -H 'Host: acme.yourerp.com' http://127.0.0.1:${port}/api/companies)`);
