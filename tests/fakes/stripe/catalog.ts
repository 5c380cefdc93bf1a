/**
 * Products and prices: create, retrieve, update, list; a price's `lookup_key` is unique
 * among all prices and moves only with `transfer_lookup_key`.
 */
import { expandedAnswer } from './expand.ts';
import { listSpec, readParams } from './form.ts';
import { applyMetadata, invalidRequest, listPage, missingParam, newId, noSuch, stripeError, type Route } from './http.ts';
import { newestFirst, type FakeState, type PriceWire, type ProductWire } from './state.ts';

const productFields = { name: 'string', description: 'string', metadata: 'metadata', active: 'boolean', expand: 'strings' } as const;
const priceUpdateFields = { active: 'boolean', metadata: 'metadata', lookup_key: 'string', transfer_lookup_key: 'boolean', nickname: 'string', expand: 'strings' } as const;
const priceCreateFields = {
  ...priceUpdateFields,
  product: 'string',
  currency: 'string',
  unit_amount: 'integer',
  recurring: { interval: 'string', interval_count: 'integer' },
} as const;

const intervals = { day: 365, week: 52, month: 12, year: 1 } as const;
type Interval = keyof typeof intervals;

export function catalogRoutes(state: FakeState): Route[] {
  return [
    {
      method: 'POST',
      path: '/v1/products',
      handle(call) {
        const read = readParams(call.params, { ...productFields, id: 'string' } as const);
        if (!read.ok) return read.answer;
        const { id, name, description, metadata, active, expand } = read.params;
        if (!name) return missingParam('name');
        if (id && state.find(id)) {
          return stripeError(400, { type: 'invalid_request_error', code: 'resource_already_exists', message: 'Product already exists.', param: 'id' });
        }
        const now = state.now();
        const product: ProductWire = {
          id: id ?? newId('prod', 14),
          object: 'product',
          active: active ?? true,
          created: now,
          default_price: null,
          description: description ?? null,
          images: [],
          livemode: false,
          marketing_features: [],
          metadata: applyMetadata({}, metadata),
          name,
          package_dimensions: null,
          shippable: null,
          statement_descriptor: null,
          tax_code: null,
          tax_details: null,
          type: 'service',
          unit_label: null,
          updated: now,
          url: null,
        };
        state.products.set(product.id, product);
        return expandedAnswer(product, expand, state.find);
      },
    },
    {
      method: 'GET',
      path: '/v1/products/:id',
      handle(call, id) {
        const read = readParams(call.params, { expand: 'strings' } as const);
        if (!read.ok) return read.answer;
        const product = state.products.get(id);
        return product ? expandedAnswer(product, read.params.expand, state.find) : noSuch('product', id);
      },
    },
    {
      method: 'POST',
      path: '/v1/products/:id',
      handle(call, id) {
        const read = readParams(call.params, productFields);
        if (!read.ok) return read.answer;
        const product = state.products.get(id);
        if (!product) return noSuch('product', id);
        const { name, description, metadata, active, expand } = read.params;
        if (name === null) return cannotUnset('name');
        if (name !== undefined) product.name = name;
        if (description !== undefined) product.description = description;
        if (active !== undefined) product.active = active;
        product.metadata = applyMetadata(product.metadata, metadata);
        product.updated = state.now();
        return expandedAnswer(product, expand, state.find);
      },
    },
    {
      method: 'GET',
      path: '/v1/products',
      handle(call) {
        const read = readParams(call.params, { ...listSpec, active: 'boolean', ids: 'strings' } as const);
        if (!read.ok) return read.answer;
        const { active, ids } = read.params;
        const products = newestFirst(state.products).filter(
          (product) => (active === undefined || product.active === active) && (ids === undefined || ids.includes(product.id)),
        );
        const page = listPage(products, read.params, '/v1/products', 'product');
        return page.status === 200 ? expandedAnswer(page.body, read.params.expand, state.find) : page;
      },
    },
    {
      method: 'POST',
      path: '/v1/prices',
      handle(call) {
        const read = readParams(call.params, priceCreateFields);
        if (!read.ok) return read.answer;
        const p = read.params;
        if (!p.product) return missingParam('product');
        if (!state.products.has(p.product)) return noSuch('product', p.product, 'product', 400);
        if (!p.currency) return missingParam('currency');
        if (!/^[a-z]{3}$/i.test(p.currency)) return invalidRequest(`Invalid currency: ${p.currency}`, 'currency');
        if (p.unit_amount === undefined) return missingParam('unit_amount');
        if (p.unit_amount < 0) return invalidRequest('This value must be greater than or equal to 0.', 'unit_amount');
        let recurring: PriceWire['recurring'] = null;
        if (p.recurring) {
          const { interval, interval_count: count = 1 } = p.recurring;
          if (!interval) return missingParam('recurring[interval]');
          if (!isInterval(interval)) return invalidRequest(`Invalid recurring[interval]: must be one of day, week, month, or year`, 'recurring[interval]');
          if (count < 1 || count > intervals[interval]) {
            return invalidRequest('The maximum recurring interval is one year (1 year, 12 months, 52 weeks or 365 days).', 'recurring[interval_count]');
          }
          recurring = { interval, interval_count: count, meter: null, trial_period_days: null, usage_type: 'licensed' };
        }
        const claimed = claimLookupKey(state, p.lookup_key, p.transfer_lookup_key);
        if (claimed) return claimed;
        const price: PriceWire = {
          id: newId('price'),
          object: 'price',
          active: p.active ?? true,
          billing_scheme: 'per_unit',
          created: state.now(),
          currency: p.currency.toLowerCase(),
          custom_unit_amount: null,
          livemode: false,
          lookup_key: p.lookup_key ?? null,
          metadata: applyMetadata({}, p.metadata),
          nickname: p.nickname ?? null,
          product: p.product,
          recurring,
          tax_behavior: 'unspecified',
          tiers_mode: null,
          transform_quantity: null,
          type: recurring ? 'recurring' : 'one_time',
          unit_amount: p.unit_amount,
          unit_amount_decimal: String(p.unit_amount),
        };
        state.prices.set(price.id, price);
        return expandedAnswer(price, p.expand, state.find);
      },
    },
    {
      method: 'GET',
      path: '/v1/prices/:id',
      handle(call, id) {
        const read = readParams(call.params, { expand: 'strings' } as const);
        if (!read.ok) return read.answer;
        const price = state.prices.get(id);
        return price ? expandedAnswer(price, read.params.expand, state.find) : noSuch('price', id);
      },
    },
    {
      method: 'POST',
      path: '/v1/prices/:id',
      handle(call, id) {
        const read = readParams(call.params, priceUpdateFields);
        if (!read.ok) return read.answer;
        const price = state.prices.get(id);
        if (!price) return noSuch('price', id);
        const p = read.params;
        if (p.lookup_key !== undefined && p.lookup_key !== price.lookup_key) {
          const claimed = claimLookupKey(state, p.lookup_key, p.transfer_lookup_key);
          if (claimed) return claimed;
          price.lookup_key = p.lookup_key;
        }
        if (p.active !== undefined) price.active = p.active;
        if (p.nickname !== undefined) price.nickname = p.nickname;
        price.metadata = applyMetadata(price.metadata, p.metadata);
        return expandedAnswer(price, p.expand, state.find);
      },
    },
    {
      method: 'GET',
      path: '/v1/prices',
      handle(call) {
        const read = readParams(call.params, { ...listSpec, product: 'string', active: 'boolean', lookup_keys: 'strings', currency: 'string', type: 'string' } as const);
        if (!read.ok) return read.answer;
        const { product, active, lookup_keys: keys, currency, type } = read.params;
        const prices = newestFirst(state.prices).filter(
          (price) =>
            // Stripe documents the list as "your active prices" unless `active=false` asks for the others.
            price.active === (active ?? true) &&
            (!product || price.product === product) &&
            (!keys || (price.lookup_key !== null && keys.includes(price.lookup_key))) &&
            (!currency || price.currency === currency.toLowerCase()) &&
            (!type || price.type === type),
        );
        const page = listPage(prices, read.params, '/v1/prices', 'price');
        return page.status === 200 ? expandedAnswer(page.body, read.params.expand, state.find) : page;
      },
    },
  ];
}

function isInterval(value: string): value is Interval {
  return Object.hasOwn(intervals, value);
}

/** Frees `key` for a new holder; an error when another price holds it and no transfer was asked. */
function claimLookupKey(state: FakeState, key: string | null | undefined, transfer: boolean | undefined) {
  if (!key) return undefined;
  if (key.length > 200) return invalidRequest('A lookup key can have up to 200 characters.', 'lookup_key');
  const holder = [...state.prices.values()].find((price) => price.lookup_key === key);
  if (!holder) return undefined;
  if (!transfer) {
    return invalidRequest(`A price (\`${holder.id}\`) already uses that lookup key. Pass \`transfer_lookup_key=true\` to move it to this price.`, 'lookup_key');
  }
  holder.lookup_key = null;
  return undefined;
}

export function cannotUnset(param: string) {
  return invalidRequest(
    `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`,
    param,
  );
}
