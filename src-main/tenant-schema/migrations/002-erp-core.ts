/**
 * The rest of the ERP's core a new tenant starts with: reference data, the chart of
 * accounts, parties, products, sales and purchase documents, the general ledger and
 * stock. Everything an ERP needs before its first invoice — which is why tenants are
 * cloned from a prepared template instead of replaying this per tenant.
 */
const CURRENCIES = [
  ['USD', 'US Dollar', 2], ['EUR', 'Euro', 2], ['GBP', 'Pound Sterling', 2], ['JPY', 'Yen', 0], ['CHF', 'Swiss Franc', 2],
  ['CAD', 'Canadian Dollar', 2], ['AUD', 'Australian Dollar', 2], ['NZD', 'New Zealand Dollar', 2], ['CNY', 'Yuan Renminbi', 2],
  ['HKD', 'Hong Kong Dollar', 2], ['SGD', 'Singapore Dollar', 2], ['SEK', 'Swedish Krona', 2], ['NOK', 'Norwegian Krone', 2],
  ['DKK', 'Danish Krone', 2], ['PLN', 'Zloty', 2], ['CZK', 'Czech Koruna', 2], ['HUF', 'Forint', 2], ['RON', 'Romanian Leu', 2],
  ['TRY', 'Turkish Lira', 2], ['INR', 'Indian Rupee', 2], ['IDR', 'Rupiah', 2], ['MYR', 'Malaysian Ringgit', 2],
  ['THB', 'Baht', 2], ['PHP', 'Philippine Peso', 2], ['VND', 'Dong', 0], ['KRW', 'Won', 0], ['BRL', 'Brazilian Real', 2],
  ['MXN', 'Mexican Peso', 2], ['ARS', 'Argentine Peso', 2], ['CLP', 'Chilean Peso', 0], ['COP', 'Colombian Peso', 2],
  ['PEN', 'Sol', 2], ['ZAR', 'Rand', 2], ['NGN', 'Naira', 2], ['KES', 'Kenyan Shilling', 2], ['EGP', 'Egyptian Pound', 2],
  ['MAD', 'Moroccan Dirham', 2], ['AED', 'UAE Dirham', 2], ['SAR', 'Saudi Riyal', 2], ['QAR', 'Qatari Rial', 2],
  ['KWD', 'Kuwaiti Dinar', 3], ['BHD', 'Bahraini Dinar', 3], ['ILS', 'New Israeli Sheqel', 2], ['PKR', 'Pakistan Rupee', 2],
  ['BDT', 'Taka', 2], ['LKR', 'Sri Lanka Rupee', 2], ['UAH', 'Hryvnia', 2], ['ISK', 'Iceland Krona', 0],
] as const;

const UNITS = [
  ['EA', 'Each'], ['BOX', 'Box'], ['PK', 'Pack'], ['KG', 'Kilogram'], ['G', 'Gram'], ['LB', 'Pound'], ['L', 'Litre'],
  ['ML', 'Millilitre'], ['M', 'Metre'], ['CM', 'Centimetre'], ['M2', 'Square metre'], ['M3', 'Cubic metre'],
  ['H', 'Hour'], ['DAY', 'Day'], ['MON', 'Month'],
] as const;

// A small standard chart of accounts (code, name, type).
const ACCOUNTS = [
  ['1000', 'Cash', 'asset'], ['1100', 'Bank', 'asset'], ['1200', 'Accounts receivable', 'asset'], ['1300', 'Inventory', 'asset'],
  ['1400', 'Prepaid expenses', 'asset'], ['1500', 'Fixed assets', 'asset'], ['1510', 'Accumulated depreciation', 'asset'],
  ['2000', 'Accounts payable', 'liability'], ['2100', 'Accrued liabilities', 'liability'], ['2200', 'Sales tax payable', 'liability'],
  ['2300', 'Payroll liabilities', 'liability'], ['2500', 'Loans', 'liability'], ['3000', 'Share capital', 'equity'],
  ['3100', 'Retained earnings', 'equity'], ['4000', 'Sales revenue', 'income'], ['4100', 'Service revenue', 'income'],
  ['4900', 'Other income', 'income'], ['5000', 'Cost of goods sold', 'expense'], ['6000', 'Salaries', 'expense'],
  ['6100', 'Rent', 'expense'], ['6200', 'Utilities', 'expense'], ['6300', 'Office supplies', 'expense'],
  ['6400', 'Travel', 'expense'], ['6500', 'Depreciation', 'expense'], ['6900', 'Bank charges', 'expense'],
] as const;

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
const values = (rows: readonly (readonly (string | number)[])[]) =>
  rows.map((row) => `(${row.map((cell) => (typeof cell === 'number' ? String(cell) : quote(cell))).join(', ')})`).join(',\n  ');

export const sql = /* sql */ `
CREATE FUNCTION erp.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END $$;

-- Reference data --------------------------------------------------------------------
CREATE TABLE erp.currencies (
  code       char(3) PRIMARY KEY,
  name       text NOT NULL,
  minor_unit smallint NOT NULL CHECK (minor_unit BETWEEN 0 AND 4)
);
INSERT INTO erp.currencies (code, name, minor_unit) VALUES
  ${values(CURRENCIES)};

CREATE TABLE erp.units_of_measure (
  code text PRIMARY KEY,
  name text NOT NULL
);
INSERT INTO erp.units_of_measure (code, name) VALUES
  ${values(UNITS)};

CREATE TABLE erp.tax_rates (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id bigint NOT NULL REFERENCES erp.companies (id) ON DELETE CASCADE,
  name       text NOT NULL,
  rate       numeric(7, 4) NOT NULL CHECK (rate >= 0),
  active     boolean NOT NULL DEFAULT true,
  UNIQUE (company_id, name)
);

CREATE TABLE erp.fiscal_periods (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id bigint NOT NULL REFERENCES erp.companies (id) ON DELETE CASCADE,
  starts_on  date NOT NULL,
  ends_on    date NOT NULL CHECK (ends_on >= starts_on),
  closed     boolean NOT NULL DEFAULT false,
  UNIQUE (company_id, starts_on)
);

-- Chart of accounts and general ledger ------------------------------------------------
CREATE TABLE erp.account_templates (
  code         text PRIMARY KEY,
  name         text NOT NULL,
  account_type text NOT NULL CHECK (account_type IN ('asset', 'liability', 'equity', 'income', 'expense'))
);
INSERT INTO erp.account_templates (code, name, account_type) VALUES
  ${values(ACCOUNTS)};

CREATE TABLE erp.accounts (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id   bigint NOT NULL REFERENCES erp.companies (id) ON DELETE CASCADE,
  code         text NOT NULL,
  name         text NOT NULL,
  account_type text NOT NULL CHECK (account_type IN ('asset', 'liability', 'equity', 'income', 'expense')),
  parent_id    bigint REFERENCES erp.accounts (id),
  active       boolean NOT NULL DEFAULT true,
  UNIQUE (company_id, code)
);

CREATE TABLE erp.journal_entries (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id  bigint NOT NULL REFERENCES erp.companies (id),
  entry_date  date NOT NULL,
  reference   text,
  memo        text,
  posted      boolean NOT NULL DEFAULT false,
  created_by  bigint REFERENCES erp.users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX journal_entries_company_date ON erp.journal_entries (company_id, entry_date);

CREATE TABLE erp.journal_lines (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  entry_id   bigint NOT NULL REFERENCES erp.journal_entries (id) ON DELETE CASCADE,
  account_id bigint NOT NULL REFERENCES erp.accounts (id),
  debit      numeric(18, 2) NOT NULL DEFAULT 0 CHECK (debit >= 0),
  credit     numeric(18, 2) NOT NULL DEFAULT 0 CHECK (credit >= 0),
  memo       text,
  CHECK (debit = 0 OR credit = 0)
);
CREATE INDEX journal_lines_entry ON erp.journal_lines (entry_id);
CREATE INDEX journal_lines_account ON erp.journal_lines (account_id);

-- Parties ------------------------------------------------------------------------------
CREATE TABLE erp.customers (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id    bigint NOT NULL REFERENCES erp.companies (id) ON DELETE CASCADE,
  code          text NOT NULL,
  name          text NOT NULL,
  email         text,
  phone         text,
  tax_number    text,
  currency      char(3) NOT NULL DEFAULT 'USD' REFERENCES erp.currencies (code),
  payment_terms smallint NOT NULL DEFAULT 30,
  credit_limit  numeric(18, 2),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, code)
);
CREATE INDEX customers_name ON erp.customers (company_id, lower(name));
CREATE TRIGGER customers_touch BEFORE UPDATE ON erp.customers FOR EACH ROW EXECUTE FUNCTION erp.touch_updated_at();

CREATE TABLE erp.suppliers (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id    bigint NOT NULL REFERENCES erp.companies (id) ON DELETE CASCADE,
  code          text NOT NULL,
  name          text NOT NULL,
  email         text,
  phone         text,
  tax_number    text,
  currency      char(3) NOT NULL DEFAULT 'USD' REFERENCES erp.currencies (code),
  payment_terms smallint NOT NULL DEFAULT 30,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, code)
);
CREATE INDEX suppliers_name ON erp.suppliers (company_id, lower(name));
CREATE TRIGGER suppliers_touch BEFORE UPDATE ON erp.suppliers FOR EACH ROW EXECUTE FUNCTION erp.touch_updated_at();

CREATE TABLE erp.addresses (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint REFERENCES erp.customers (id) ON DELETE CASCADE,
  supplier_id bigint REFERENCES erp.suppliers (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('billing', 'shipping', 'office')),
  line1       text NOT NULL,
  line2       text,
  city        text NOT NULL,
  region      text,
  postal_code text,
  country     char(2) NOT NULL,
  CHECK ((customer_id IS NULL) <> (supplier_id IS NULL))
);
CREATE INDEX addresses_customer ON erp.addresses (customer_id);
CREATE INDEX addresses_supplier ON erp.addresses (supplier_id);

-- Products and stock -------------------------------------------------------------------
CREATE TABLE erp.product_categories (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id bigint NOT NULL REFERENCES erp.companies (id) ON DELETE CASCADE,
  name       text NOT NULL,
  parent_id  bigint REFERENCES erp.product_categories (id),
  UNIQUE (company_id, name)
);

CREATE TABLE erp.products (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id    bigint NOT NULL REFERENCES erp.companies (id) ON DELETE CASCADE,
  sku           text NOT NULL,
  name          text NOT NULL,
  category_id   bigint REFERENCES erp.product_categories (id) ON DELETE SET NULL,
  unit          text NOT NULL DEFAULT 'EA' REFERENCES erp.units_of_measure (code),
  sale_price    numeric(18, 4) NOT NULL DEFAULT 0,
  cost_price    numeric(18, 4) NOT NULL DEFAULT 0,
  tax_rate_id   bigint REFERENCES erp.tax_rates (id) ON DELETE SET NULL,
  tracked_stock boolean NOT NULL DEFAULT true,
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, sku)
);
CREATE INDEX products_name ON erp.products (company_id, lower(name));
CREATE TRIGGER products_touch BEFORE UPDATE ON erp.products FOR EACH ROW EXECUTE FUNCTION erp.touch_updated_at();

CREATE TABLE erp.warehouses (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id bigint NOT NULL REFERENCES erp.companies (id) ON DELETE CASCADE,
  code       text NOT NULL,
  name       text NOT NULL,
  UNIQUE (company_id, code)
);

CREATE TABLE erp.stock_moves (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id   bigint NOT NULL REFERENCES erp.companies (id),
  product_id   bigint NOT NULL REFERENCES erp.products (id),
  warehouse_id bigint NOT NULL REFERENCES erp.warehouses (id),
  quantity     numeric(18, 4) NOT NULL,
  unit_cost    numeric(18, 4),
  reason       text NOT NULL CHECK (reason IN ('receipt', 'shipment', 'adjustment', 'transfer')),
  moved_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_moves_product ON erp.stock_moves (product_id, warehouse_id, moved_at);

-- Sales and purchases ------------------------------------------------------------------
CREATE TABLE erp.sales_orders (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id  bigint NOT NULL REFERENCES erp.companies (id),
  customer_id bigint NOT NULL REFERENCES erp.customers (id),
  number      text NOT NULL,
  status      text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'confirmed', 'shipped', 'invoiced', 'cancelled')),
  order_date  date NOT NULL DEFAULT current_date,
  currency    char(3) NOT NULL REFERENCES erp.currencies (code),
  total       numeric(18, 2) NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, number)
);
CREATE INDEX sales_orders_customer ON erp.sales_orders (customer_id, order_date);
CREATE TRIGGER sales_orders_touch BEFORE UPDATE ON erp.sales_orders FOR EACH ROW EXECUTE FUNCTION erp.touch_updated_at();

CREATE TABLE erp.sales_order_lines (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id   bigint NOT NULL REFERENCES erp.sales_orders (id) ON DELETE CASCADE,
  product_id bigint REFERENCES erp.products (id),
  quantity   numeric(18, 4) NOT NULL CHECK (quantity > 0),
  unit_price numeric(18, 4) NOT NULL,
  discount   numeric(7, 4) NOT NULL DEFAULT 0,
  tax_rate   numeric(7, 4) NOT NULL DEFAULT 0
);
CREATE INDEX sales_order_lines_order ON erp.sales_order_lines (order_id);

CREATE TABLE erp.invoices (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id   bigint NOT NULL REFERENCES erp.companies (id),
  customer_id  bigint NOT NULL REFERENCES erp.customers (id),
  order_id     bigint REFERENCES erp.sales_orders (id),
  number       text NOT NULL,
  status       text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'paid', 'void')),
  issue_date   date NOT NULL DEFAULT current_date,
  due_date     date NOT NULL,
  currency     char(3) NOT NULL REFERENCES erp.currencies (code),
  subtotal     numeric(18, 2) NOT NULL DEFAULT 0,
  tax_total    numeric(18, 2) NOT NULL DEFAULT 0,
  total        numeric(18, 2) NOT NULL DEFAULT 0,
  journal_entry_id bigint REFERENCES erp.journal_entries (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, number)
);
CREATE INDEX invoices_customer ON erp.invoices (customer_id, issue_date);
CREATE INDEX invoices_open ON erp.invoices (company_id, due_date) WHERE status = 'open';
CREATE TRIGGER invoices_touch BEFORE UPDATE ON erp.invoices FOR EACH ROW EXECUTE FUNCTION erp.touch_updated_at();

CREATE TABLE erp.invoice_lines (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  invoice_id  bigint NOT NULL REFERENCES erp.invoices (id) ON DELETE CASCADE,
  product_id  bigint REFERENCES erp.products (id),
  description text NOT NULL,
  quantity    numeric(18, 4) NOT NULL,
  unit_price  numeric(18, 4) NOT NULL,
  tax_rate    numeric(7, 4) NOT NULL DEFAULT 0,
  line_total  numeric(18, 2) NOT NULL
);
CREATE INDEX invoice_lines_invoice ON erp.invoice_lines (invoice_id);

CREATE TABLE erp.payments (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id  bigint NOT NULL REFERENCES erp.companies (id),
  invoice_id  bigint REFERENCES erp.invoices (id),
  customer_id bigint REFERENCES erp.customers (id),
  supplier_id bigint REFERENCES erp.suppliers (id),
  amount      numeric(18, 2) NOT NULL CHECK (amount > 0),
  currency    char(3) NOT NULL REFERENCES erp.currencies (code),
  method      text NOT NULL CHECK (method IN ('cash', 'bank_transfer', 'card', 'cheque', 'other')),
  paid_at     timestamptz NOT NULL DEFAULT now(),
  reference   text
);
CREATE INDEX payments_invoice ON erp.payments (invoice_id);

CREATE TABLE erp.purchase_orders (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id  bigint NOT NULL REFERENCES erp.companies (id),
  supplier_id bigint NOT NULL REFERENCES erp.suppliers (id),
  number      text NOT NULL,
  status      text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sent', 'received', 'billed', 'cancelled')),
  order_date  date NOT NULL DEFAULT current_date,
  currency    char(3) NOT NULL REFERENCES erp.currencies (code),
  total       numeric(18, 2) NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, number)
);
CREATE TRIGGER purchase_orders_touch BEFORE UPDATE ON erp.purchase_orders FOR EACH ROW EXECUTE FUNCTION erp.touch_updated_at();

CREATE TABLE erp.purchase_order_lines (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  order_id   bigint NOT NULL REFERENCES erp.purchase_orders (id) ON DELETE CASCADE,
  product_id bigint REFERENCES erp.products (id),
  quantity   numeric(18, 4) NOT NULL CHECK (quantity > 0),
  unit_cost  numeric(18, 4) NOT NULL
);
CREATE INDEX purchase_order_lines_order ON erp.purchase_order_lines (order_id);

-- Transactions get their ledger and document links ----------------------------------------
ALTER TABLE erp.transactions
  ADD COLUMN kind text NOT NULL DEFAULT 'other' CHECK (kind IN ('sale', 'purchase', 'payment', 'journal', 'other')),
  ADD COLUMN invoice_id bigint REFERENCES erp.invoices (id),
  ADD COLUMN journal_entry_id bigint REFERENCES erp.journal_entries (id);
`;
