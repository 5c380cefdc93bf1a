/**
 * Billing portal sessions: created over the API, served as a page that lists the
 * customer's subscriptions with forms to cancel at period end, resume, or cancel now.
 */
import { applyCancelAtPeriodEnd, cancelSubscription, changeSubscription } from './billing.ts';
import { expandedAnswer } from './expand.ts';
import { readParams } from './form.ts';
import { invalidRequest, missingParam, newId, noSuch, type Route } from './http.ts';
import { escapeHtml, formatDate, formatPrice, htmlPage, redirect, type PageRoute } from './pages.ts';
import { periodOf } from './periods.ts';
import { newestFirst, type FakeState, type PortalSessionWire, type SubscriptionWire } from './state.ts';

const actions = ['cancel-at-period-end', 'resume', 'cancel-now'] as const;
type Action = (typeof actions)[number];

export function portal(state: FakeState): { routes: Route[]; pages: PageRoute[] } {
  const routes: Route[] = [
    {
      method: 'POST',
      path: '/v1/billing_portal/sessions',
      handle(call) {
        const read = readParams(call.params, { customer: 'string', return_url: 'string', expand: 'strings' } as const);
        if (!read.ok) return read.answer;
        const { customer, return_url: returnUrl, expand } = read.params;
        if (!customer) return missingParam('customer');
        if (!state.customers.has(customer)) return noSuch('customer', customer, 'customer', 400);
        if (returnUrl && !URL.canParse(returnUrl)) return invalidRequest('Not a valid URL', 'return_url', 'url_invalid');
        const id = newId('bps');
        const session: PortalSessionWire = {
          id,
          object: 'billing_portal.session',
          configuration: 'bpc_fake_default',
          created: state.now(),
          customer,
          customer_account: null,
          flow: null,
          livemode: false,
          locale: null,
          on_behalf_of: null,
          return_url: returnUrl ?? null,
          url: `${state.url}/portal/${id}`,
        };
        state.portalSessions.set(id, session);
        return expandedAnswer(session, expand, state.find);
      },
    },
  ];

  function customerSubscriptions(session: PortalSessionWire): SubscriptionWire[] {
    return newestFirst(state.subscriptions).filter((subscription) => subscription.customer === session.customer);
  }

  const pages: PageRoute[] = [
    {
      method: 'GET',
      pattern: /^\/portal\/([^/]+)$/,
      handle([id = '']) {
        const session = state.portalSessions.get(id);
        if (!session) return htmlPage(404, 'Not found', '<h1>No such portal session</h1>');
        const items = customerSubscriptions(session).map((subscription) => subscriptionEntry(state, session, subscription));
        return htmlPage(
          200,
          'Fake Stripe customer portal',
          `<h1>Fake Stripe customer portal</h1>
${items.length > 0 ? `<ul>\n${items.join('\n')}\n</ul>` : '<p>No subscriptions.</p>'}
${session.return_url ? `<p><a href="${escapeHtml(session.return_url)}">Return</a></p>` : ''}`,
        );
      },
    },
    {
      method: 'POST',
      pattern: /^\/portal\/([^/]+)\/subscriptions\/([^/]+)\/([a-z-]+)$/,
      handle([id = '', subscriptionId = '', action = '']) {
        const session = state.portalSessions.get(id);
        const subscription = state.subscriptions.get(subscriptionId);
        if (!session || !subscription || subscription.customer !== session.customer || !isAction(action)) {
          return htmlPage(404, 'Not found', '<h1>Not found</h1>');
        }
        if (subscription.status === 'canceled') return redirect(`/portal/${id}`);
        const at = state.now();
        if (action === 'cancel-now') cancelSubscription(state, subscription, { at });
        else changeSubscription(state, subscription, (s) => applyCancelAtPeriodEnd(s, action === 'cancel-at-period-end', at), { at });
        return redirect(`/portal/${id}`);
      },
    },
  ];

  return { routes, pages };
}

function isAction(value: string): value is Action {
  return (actions as readonly string[]).includes(value);
}

function subscriptionEntry(state: FakeState, session: PortalSessionWire, subscription: SubscriptionWire): string {
  const item = periodOf(subscription);
  const productId = typeof item.price.product === 'string' ? item.price.product : item.price.product.id;
  const name = state.products.get(productId)?.name ?? item.price.id;
  const action = (path: Action, label: string) =>
    `<form method="post" action="/portal/${escapeHtml(session.id)}/subscriptions/${escapeHtml(subscription.id)}/${path}"><button type="submit">${label}</button></form>`;
  let summary: string;
  let buttons = '';
  if (subscription.status === 'canceled') {
    summary = `canceled${subscription.ended_at ? ` on ${formatDate(subscription.ended_at)}` : ''}`;
  } else {
    summary = subscription.cancel_at
      ? `${subscription.status}, cancels on ${formatDate(subscription.cancel_at)}`
      : `${subscription.status}, renews on ${formatDate(item.current_period_end)}`;
    buttons = (subscription.cancel_at_period_end ? action('resume', 'Resume') : action('cancel-at-period-end', 'Cancel at period end')) + action('cancel-now', 'Cancel now');
  }
  return `<li><p><strong>${escapeHtml(name)}</strong>, ${escapeHtml(formatPrice(item.price))}: ${escapeHtml(summary)}</p>${buttons}</li>`;
}
