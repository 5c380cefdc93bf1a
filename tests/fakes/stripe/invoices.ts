/** Invoices: the one a subscription starts with and one per renewal or plan change; retrieve and list. */
import { expandedAnswer } from './expand.ts';
import { listSpec, readParams } from './form.ts';
import { embeddedList, listPage, newId, noSuch, type Route } from './http.ts';
import { formatPrice } from './pages.ts';
import { periodOf } from './periods.ts';
import { newestFirst, type FakeState, type InvoiceWire, type SubscriptionWire } from './state.ts';

export interface NewInvoice {
  reason: 'subscription_create' | 'subscription_cycle' | 'subscription_update';
  paid: boolean;
  at: number;
  /** The end of the service period the line bills; defaults to the item's current period end. */
  periodEnd?: number;
  /**
   * The invoice's own `period_start`: for a renewal, the start of the period just ended
   * (Stripe's invoice period looks back, its line's period forward); else `at`.
   */
  previousPeriodStart?: number;
  /** A trial's first invoice is for nothing. */
  free?: boolean;
}

export function createInvoice(state: FakeState, subscription: SubscriptionWire, invoice: NewInvoice): InvoiceWire {
  const item = periodOf(subscription);
  const { price } = item;
  const quantity = item.quantity ?? 1;
  const amount = invoice.free ? 0 : (price.unit_amount ?? 0) * quantity;
  const customer = state.customers.get(typeof subscription.customer === 'string' ? subscription.customer : subscription.customer.id);
  const sequence = customer?.next_invoice_sequence ?? 1;
  if (customer) customer.next_invoice_sequence = sequence + 1;
  const id = newId('in');
  const period = { start: invoice.at, end: invoice.periodEnd ?? item.current_period_end };
  const product = typeof price.product === 'string' ? state.products.get(price.product) : undefined;
  const wire: InvoiceWire = {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Fake Stripe',
    account_tax_ids: null,
    amount_due: amount,
    amount_overpaid: 0,
    amount_paid: invoice.paid ? amount : 0,
    amount_remaining: invoice.paid ? 0 : amount,
    amount_shipping: 0,
    application: null,
    attempt_count: amount > 0 ? 1 : 0,
    attempted: true,
    auto_advance: !invoice.paid,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: invoice.reason,
    collection_method: 'charge_automatically',
    created: invoice.at,
    currency: price.currency,
    custom_fields: null,
    customer: customer?.id ?? null,
    customer_account: null,
    customer_address: null,
    customer_email: customer?.email ?? null,
    customer_name: customer?.name ?? null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: invoice.at,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: embeddedList(
      [
        {
          id: newId('il'),
          object: 'line_item',
          amount,
          currency: price.currency,
          description: `${quantity} × ${product?.name ?? price.id} (at ${formatPrice(price)})`,
          discount_amounts: [],
          discountable: true,
          discounts: [],
          invoice: id,
          livemode: false,
          metadata: { ...subscription.metadata },
          parent: {
            type: 'subscription_item_details',
            invoice_item_details: null,
            subscription_item_details: {
              invoice_item: null,
              proration: false,
              proration_details: { credited_items: null },
              subscription: subscription.id,
              subscription_item: item.id,
            },
          },
          period,
          pretax_credit_amounts: [],
          pricing: {
            price_details: { price: price.id, product: typeof price.product === 'string' ? price.product : price.product.id },
            type: 'price_details',
            unit_amount_decimal: price.unit_amount_decimal,
          },
          quantity,
          quantity_decimal: String(quantity),
          subscription: subscription.id,
          subtotal: amount,
          taxes: [],
        },
      ],
      `/v1/invoices/${id}/lines`,
    ),
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: `${customer?.invoice_prefix ?? 'FAKE'}-${String(sequence).padStart(4, '0')}`,
    on_behalf_of: null,
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata: { ...subscription.metadata }, subscription: subscription.id },
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: invoice.at,
    period_start: invoice.previousPeriodStart ?? invoice.at,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: invoice.paid ? 'paid' : 'open',
    status_transitions: { finalized_at: invoice.at, marked_uncollectible_at: null, paid_at: invoice.paid ? invoice.at : null, voided_at: null },
    subtotal: amount,
    subtotal_excluding_tax: amount,
    test_clock: null,
    total: amount,
    total_discount_amounts: [],
    total_excluding_tax: amount,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: invoice.at,
  };
  state.invoices.set(id, wire);
  return wire;
}


export function invoiceRoutes(state: FakeState): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/invoices/:id',
      handle(call, id) {
        const read = readParams(call.params, { expand: 'strings' } as const);
        if (!read.ok) return read.answer;
        const invoice = state.invoices.get(id);
        return invoice ? expandedAnswer(invoice, read.params.expand, state.find) : noSuch('invoice', id);
      },
    },
    {
      method: 'GET',
      path: '/v1/invoices',
      handle(call) {
        const read = readParams(call.params, { ...listSpec, customer: 'string', subscription: 'string', status: 'string' } as const);
        if (!read.ok) return read.answer;
        const { customer, subscription, status } = read.params;
        const invoices = newestFirst(state.invoices).filter(
          (invoice) =>
            (!customer || invoice.customer === customer) &&
            (!subscription || invoice.parent?.subscription_details?.subscription === subscription) &&
            (!status || invoice.status === status),
        );
        const page = listPage(invoices, read.params, '/v1/invoices', 'invoice');
        return page.status === 200 ? expandedAnswer(page.body, read.params.expand, state.find) : page;
      },
    },
  ];
}
