/**
 * Checkout Sessions in `subscription` mode: create and retrieve over the API, and a hosted
 * page whose "Pay" form completes the session as a paying customer would.
 */
import { startSubscription } from './billing.ts';
import { createCustomer, invalidEmail } from './customers.ts';
import { expandedAnswer } from './expand.ts';
import { readParams } from './form.ts';
import { invalidRequest, missingParam, newId, noSuch, type Metadata, type Route } from './http.ts';
import { escapeHtml, formatPrice, htmlPage, redirect, type PageRoute } from './pages.ts';
import { noOrigin, type CheckoutSessionWire, type FakeState, type PriceWire } from './state.ts';

const createFields = {
  mode: 'string',
  customer: 'string',
  customer_email: 'string',
  line_items: [{ price: 'string', quantity: 'integer' }],
  client_reference_id: 'string',
  metadata: 'metadata',
  subscription_data: { trial_period_days: 'integer', metadata: 'metadata', description: 'string' },
  allow_promotion_codes: 'boolean',
  success_url: 'string',
  cancel_url: 'string',
  expand: 'strings',
} as const;

/** What the session will start, kept aside: Stripe shows `line_items` only when expanded. */
interface Order {
  price: PriceWire;
  quantity: number;
  trialDays: number | undefined;
  metadata: Metadata;
}

const dayInSeconds = 86_400;

export function checkout(state: FakeState): { routes: Route[]; pages: PageRoute[] } {
  const orders = new Map<string, Order>();

  function openSession(id: string): CheckoutSessionWire | undefined {
    const session = state.checkoutSessions.get(id);
    // Expiry is checked when the session is next looked at; no `checkout.session.expired` event.
    if (session?.status === 'open' && state.now() >= session.expires_at) {
      session.status = 'expired';
      session.url = null;
    }
    return session;
  }

  const routes: Route[] = [
    {
      method: 'POST',
      path: '/v1/checkout/sessions',
      handle(call) {
        const read = readParams(call.params, createFields);
        if (!read.ok) return read.answer;
        const p = read.params;
        if (!p.mode) return missingParam('mode');
        if (p.mode !== 'subscription') return invalidRequest('Fake Stripe models only `mode=subscription`.', 'mode');
        if (!p.success_url) return missingParam('success_url');
        for (const param of ['success_url', 'cancel_url'] as const) {
          const url = p[param];
          if (url && !URL.canParse(url)) return invalidRequest('Not a valid URL', param, 'url_invalid');
        }
        if (p.customer && p.customer_email) return invalidRequest('You may only specify one of these parameters: customer, customer_email.', 'customer_email');
        if (p.customer && !state.customers.has(p.customer)) return noSuch('customer', p.customer, 'customer', 400);
        const invalid = invalidEmail(p.customer_email);
        if (invalid) return invalid;
        const [line, ...more] = p.line_items ?? [];
        if (!line) return invalidRequest('You must provide at least one recurring price in `subscription` mode when using prices.', 'line_items');
        if (more.length > 0) return invalidRequest('Fake Stripe models one line item per Checkout Session.', 'line_items');
        if (!line.price) return missingParam('line_items[0][price]');
        if (line.quantity === undefined) return missingParam('line_items[0][quantity]');
        if (line.quantity < 1) return invalidRequest('This value must be greater than or equal to 1.', 'line_items[0][quantity]');
        const price = state.prices.get(line.price);
        if (!price) return noSuch('price', line.price, 'line_items[0][price]', 400);
        if (!price.active) return invalidRequest('The price specified is inactive. This field only accepts active prices.', 'line_items[0][price]');
        if (!price.recurring) {
          return invalidRequest('You must provide at least one recurring price in `subscription` mode when using prices.', 'line_items[0][price]');
        }
        const trialDays = p.subscription_data?.trial_period_days;
        if (trialDays !== undefined && (trialDays < 1 || trialDays > 730)) {
          return invalidRequest('The trial period must be between 1 and 730 days.', 'subscription_data[trial_period_days]');
        }
        if (p.client_reference_id && p.client_reference_id.length > 200) {
          return invalidRequest('client_reference_id can have up to 200 characters.', 'client_reference_id');
        }
        const id = newId('cs_test', 58);
        const created = state.now();
        const amount = (price.unit_amount ?? 0) * line.quantity;
        const session = newSession({ id, created, url: `${state.url}/checkout/${id}`, price, amount: trialDays ? 0 : amount, fields: p });
        state.checkoutSessions.set(id, session);
        orders.set(id, { price, quantity: line.quantity, trialDays, metadata: { ...(p.subscription_data?.metadata ?? {}) } });
        return expandedAnswer(session, p.expand, state.find);
      },
    },
    {
      method: 'GET',
      path: '/v1/checkout/sessions/:id',
      handle(call, id) {
        const read = readParams(call.params, { expand: 'strings' } as const);
        if (!read.ok) return read.answer;
        const session = openSession(id);
        return session ? expandedAnswer(session, read.params.expand, state.find) : noSuch('checkout.session', id);
      },
    },
  ];

  const pages: PageRoute[] = [
    {
      method: 'GET',
      pattern: /^\/checkout\/([^/]+)$/,
      handle([id = '']) {
        const session = openSession(id);
        const order = orders.get(id);
        if (!session || !order) return htmlPage(404, 'Not found', '<h1>No such Checkout Session</h1>');
        if (session.status !== 'open') return closedPage(session);
        const product = state.products.get(typeof order.price.product === 'string' ? order.price.product : order.price.product.id);
        const customer = session.customer ? state.customers.get(String(session.customer)) : undefined;
        const email = customer
          ? `<p>Paying as ${escapeHtml(customer.email ?? customer.id)}</p>`
          : `<p><label>Email <input type="email" name="email" required autocomplete="email" value="${escapeHtml(session.customer_email ?? '')}"></label></p>`;
        return htmlPage(
          200,
          'Fake Stripe Checkout',
          `<h1>Fake Stripe Checkout</h1>
<p>${escapeHtml(product?.name ?? order.price.id)}${order.quantity > 1 ? ` × ${order.quantity}` : ''}</p>
<p>${escapeHtml(formatPrice(order.price))}</p>
${order.trialDays ? `<p>${order.trialDays}-day free trial; nothing is charged today.</p>` : ''}
<form method="post" action="/checkout/${escapeHtml(id)}/pay">
${email}
<button type="submit">Pay</button>
</form>
${session.cancel_url ? `<p><a href="${escapeHtml(session.cancel_url)}">Cancel</a></p>` : ''}`,
        );
      },
    },
    {
      method: 'POST',
      pattern: /^\/checkout\/([^/]+)\/pay$/,
      handle([id = ''], form) {
        const session = openSession(id);
        const order = orders.get(id);
        if (!session || !order) return htmlPage(404, 'Not found', '<h1>No such Checkout Session</h1>');
        if (session.status !== 'open') return closedPage(session);
        const at = state.now();
        let customer = session.customer ? state.customers.get(String(session.customer)) : undefined;
        if (!customer) {
          const email = form.get('email') || session.customer_email;
          if (!email || invalidEmail(email)) return htmlPage(400, 'Fake Stripe Checkout', '<h1>Fake Stripe Checkout</h1><p>Enter a valid email address.</p>');
          customer = createCustomer(state, { email }, noOrigin, at);
        }
        const { subscription, invoice } = startSubscription(state, {
          customer: customer.id,
          price: order.price,
          quantity: order.quantity,
          metadata: order.metadata,
          trialDays: order.trialDays,
          origin: noOrigin,
          at,
        });
        Object.assign(session, {
          status: 'complete',
          payment_status: session.amount_total ? 'paid' : 'no_payment_required',
          customer: customer.id,
          customer_details: {
            address: null,
            business_name: null,
            email: customer.email,
            individual_name: null,
            name: customer.name ?? null,
            phone: null,
            tax_exempt: 'none',
            tax_ids: [],
          },
          subscription: subscription.id,
          invoice: invoice.id,
          url: null,
        } satisfies Partial<CheckoutSessionWire>);
        state.emit('checkout.session.completed', session, { at });
        return redirect((session.success_url ?? state.url).replaceAll('{CHECKOUT_SESSION_ID}', id));
      },
    },
  ];

  return { routes, pages };
}

function closedPage(session: CheckoutSessionWire) {
  const done = session.status === 'complete';
  const link = done && session.success_url ? `<p><a href="${escapeHtml(session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', session.id))}">Continue</a></p>` : '';
  return htmlPage(409, 'Fake Stripe Checkout', `<h1>Fake Stripe Checkout</h1><p>This Checkout Session is ${done ? 'already complete' : 'no longer available'}.</p>${link}`);
}

interface NewSession {
  id: string;
  created: number;
  url: string;
  price: PriceWire;
  /** Due today: nothing during a trial. */
  amount: number;
  fields: {
    customer?: string | null;
    customer_email?: string | null;
    client_reference_id?: string | null;
    metadata?: Metadata | null;
    allow_promotion_codes?: boolean;
    success_url?: string | null;
    cancel_url?: string | null;
  };
}

function newSession({ id, created, url, price, amount, fields }: NewSession): CheckoutSessionWire {
  return {
    id,
    object: 'checkout.session',
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: fields.allow_promotion_codes ?? null,
    allowed_payment_method_types: null,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: fields.cancel_url ?? null,
    client_reference_id: fields.client_reference_id ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created,
    currency: price.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: fields.customer ?? null,
    customer_account: null,
    customer_creation: fields.customer ? null : 'always',
    customer_details: fields.customer_email
      ? { address: null, business_name: null, email: fields.customer_email, individual_name: null, name: null, phone: null, tax_exempt: 'none', tax_ids: null }
      : null,
    customer_email: fields.customer_email ?? null,
    discounts: [],
    expires_at: created + dayInSeconds,
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: { ...(fields.metadata ?? {}) },
    mode: 'subscription',
    optional_items: null,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'always',
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: fields.success_url ?? null,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url,
    wallet_options: null,
  };
}
