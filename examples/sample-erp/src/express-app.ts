/** The sample ERP on Express 5: the kit's middleware is one line before the routes, its error handler one after. */
import express, { type ErrorRequestHandler, type Request } from 'express';
import type { ErpKit, TenantHandle } from '../../../erp-kit/src/index.js';
import { tenantErrorHandler, tenantMiddleware } from '../../../erp-kit/src/express.js';
import { canCreate, createCompany, createUser, ErpError, listCompanies, postTransaction } from './erp-operations.js';

const tenantOf = (req: Request): TenantHandle => {
  if (!req.tenant) throw new Error('tenantMiddleware did not run for this route.');
  return req.tenant;
};

export function createExpressErp(kit: ErpKit): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });

  app.use(tenantMiddleware(kit, { skip: (req) => req.path === '/health' }));

  app.get('/api/companies', async (req, res) => {
    res.json({ companies: await listCompanies(tenantOf(req)) });
  });
  app.post('/api/companies', async (req, res) => {
    res.status(201).json(await createCompany(tenantOf(req), req.body));
  });
  app.post('/api/companies/:companyId/users', async (req, res) => {
    res.status(201).json(await createUser(tenantOf(req), req.params.companyId, req.body));
  });
  app.post('/api/companies/:companyId/transactions', async (req, res) => {
    res.status(201).json(await postTransaction(tenantOf(req), req.params.companyId, req.body));
  });
  app.get('/api/limits/:resource', async (req, res) => {
    res.json(await canCreate(tenantOf(req), req.params.resource, req.query.company_id));
  });

  app.use(tenantErrorHandler());
  app.use(erpErrors);
  return app;
}

/** The ERP's own errors; anything else is a 500 without its details. */
const erpErrors: ErrorRequestHandler = (error, _req, res, _next) => {
  if (error instanceof ErpError) return void res.status(error.status).json({ error: error.message, code: error.code });
  if ((error as { type?: string }).type === 'entity.parse.failed') return void res.status(400).json({ error: 'The body is not JSON.', code: 'invalid_input' });
  res.status(500).json({ error: 'Something went wrong.', code: 'internal' });
};
