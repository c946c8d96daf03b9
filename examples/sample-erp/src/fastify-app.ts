/** The sample ERP on Fastify 5: the kit is one register line. */
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { ErpKit, TenantHandle } from '../../../erp-kit/src/index.js';
import { erpKitPlugin } from '../../../erp-kit/src/fastify.js';
import { canCreate, createCompany, createUser, ErpError, listCompanies, postTransaction } from './erp-operations.js';

const tenantOf = (request: FastifyRequest): TenantHandle => {
  if (!request.tenant) throw new Error('The ERP kit did not resolve a tenant for this route.');
  return request.tenant;
};

export async function createFastifyErp(kit: ErpKit): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: 64 * 1024 });
  // The ERP's own error handler first; the kit's wraps it and hands on what is not its own.
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof ErpError) return reply.code(error.status).send({ error: error.message, code: error.code });
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return reply.code(status).send({ error: (error as Error).message, code: 'invalid_input' });
    return reply.code(500).send({ error: 'Something went wrong.', code: 'internal' });
  });

  await app.register(erpKitPlugin, { kit, skip: (request) => request.url === '/health' });

  app.get('/health', async () => ({ ok: true }));
  app.get('/api/companies', async (request) => ({ companies: await listCompanies(tenantOf(request)) }));
  app.post('/api/companies', async (request, reply) => reply.code(201).send(await createCompany(tenantOf(request), request.body)));
  app.post<{ Params: { companyId: string } }>('/api/companies/:companyId/users', async (request, reply) =>
    reply.code(201).send(await createUser(tenantOf(request), request.params.companyId, request.body)),
  );
  app.post<{ Params: { companyId: string } }>('/api/companies/:companyId/transactions', async (request, reply) =>
    reply.code(201).send(await postTransaction(tenantOf(request), request.params.companyId, request.body)),
  );
  app.get<{ Params: { resource: string }; Querystring: { company_id?: string } }>('/api/limits/:resource', async (request) =>
    canCreate(tenantOf(request), request.params.resource, request.query.company_id),
  );
  return app;
}
