/** Customers: create (also from Checkout), retrieve, update, list by email. */
import { expandedAnswer } from './expand.ts';
import { listSpec, readParams } from './form.ts';
import { applyMetadata, invalidRequest, listPage, newId, noSuch, type CallOrigin, type Metadata, type Route } from './http.ts';
import { newestFirst, type CustomerWire, type FakeState } from './state.ts';

const customerFields = { email: 'string', name: 'string', description: 'string', metadata: 'metadata', expand: 'strings' } as const;

export interface NewCustomer {
  email?: string | null;
  name?: string | null;
  description?: string | null;
  metadata?: Metadata | null;
}

export function createCustomer(state: FakeState, fields: NewCustomer, origin: CallOrigin, at = state.now()): CustomerWire {
  const id = newId('cus', 14);
  const customer: CustomerWire = {
    id,
    object: 'customer',
    address: null,
    balance: 0,
    created: at,
    currency: null,
    default_source: null,
    delinquent: false,
    description: fields.description ?? null,
    discount: null,
    email: fields.email ?? null,
    invoice_prefix: id.slice(4, 12).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: applyMetadata({}, fields.metadata),
    name: fields.name ?? null,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
  state.customers.set(customer.id, customer);
  state.emit('customer.created', customer, { origin, at });
  return customer;
}

export function customerRoutes(state: FakeState): Route[] {
  return [
    {
      method: 'POST',
      path: '/v1/customers',
      handle(call) {
        const read = readParams(call.params, customerFields);
        if (!read.ok) return read.answer;
        const invalid = invalidEmail(read.params.email);
        if (invalid) return invalid;
        return expandedAnswer(createCustomer(state, read.params, call.origin), read.params.expand, state.find);
      },
    },
    {
      method: 'GET',
      path: '/v1/customers/:id',
      handle(call, id) {
        const read = readParams(call.params, { expand: 'strings' } as const);
        if (!read.ok) return read.answer;
        const customer = state.customers.get(id);
        return customer ? expandedAnswer(customer, read.params.expand, state.find) : noSuch('customer', id);
      },
    },
    {
      method: 'POST',
      path: '/v1/customers/:id',
      handle(call, id) {
        const read = readParams(call.params, customerFields);
        if (!read.ok) return read.answer;
        const customer = state.customers.get(id);
        if (!customer) return noSuch('customer', id);
        const { email, name, description, metadata, expand } = read.params;
        const invalid = invalidEmail(email);
        if (invalid) return invalid;
        if (email !== undefined) customer.email = email;
        if (name !== undefined) customer.name = name;
        if (description !== undefined) customer.description = description;
        customer.metadata = applyMetadata(customer.metadata, metadata);
        return expandedAnswer(customer, expand, state.find);
      },
    },
    {
      method: 'GET',
      path: '/v1/customers',
      handle(call) {
        const read = readParams(call.params, { ...listSpec, email: 'string' } as const);
        if (!read.ok) return read.answer;
        // Stripe's email filter is exact and case-sensitive.
        const { email } = read.params;
        const customers = newestFirst(state.customers).filter((customer) => !email || customer.email === email);
        const page = listPage(customers, read.params, '/v1/customers', 'customer');
        return page.status === 200 ? expandedAnswer(page.body, read.params.expand, state.find) : page;
      },
    },
  ];
}

export function invalidEmail(email: string | null | undefined) {
  if (!email) return undefined;
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? undefined : invalidRequest(`Invalid email address: ${email}`, 'email', 'email_invalid');
}
