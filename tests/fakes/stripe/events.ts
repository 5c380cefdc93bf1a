/** The event log over the API: list (newest first, by `type` with `*` wildcards) and retrieve. */
import { expandedAnswer } from './expand.ts';
import { listSpec, readParams } from './form.ts';
import { invalidRequest, listPage, noSuch, type Route } from './http.ts';
import { newestFirst, type EventWire, type FakeState } from './state.ts';

export function eventRoutes(state: FakeState): Route[] {
  return [
    {
      method: 'GET',
      path: '/v1/events',
      handle(call) {
        const read = readParams(call.params, { ...listSpec, type: 'string', types: 'strings' } as const);
        if (!read.ok) return read.answer;
        const { type, types } = read.params;
        if (type && types) return invalidRequest('You may only specify one of these parameters: type, types.', 'types');
        const wanted = types ?? (type ? [type] : undefined);
        const events = newestFirst(state.events).filter((event) => !wanted || wanted.some((pattern) => matches(event, pattern)));
        return listPage(events, read.params, '/v1/events', 'event');
      },
    },
    {
      method: 'GET',
      path: '/v1/events/:id',
      handle(call, id) {
        const read = readParams(call.params, { expand: 'strings' } as const);
        if (!read.ok) return read.answer;
        const event = state.events.get(id);
        return event ? expandedAnswer(event, read.params.expand, state.find) : noSuch('event', id);
      },
    },
  ];
}

/** `customer.subscription.*` matches every subscription event, as Stripe's `type` filter does. */
function matches(event: EventWire, pattern: string): boolean {
  return pattern.endsWith('.*') ? event.type.startsWith(pattern.slice(0, -1)) : event.type === pattern;
}
