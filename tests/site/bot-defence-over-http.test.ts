/**
 * The bot defence on the sign-in and newsletter forms, through the real server: what a
 * robot is answered (as if it had worked, with no email sent), what a person who was too
 * quick is asked, and the counts the owner sees. The outbox writes each email before the
 * page answers, so an address absent from it once the answer is in was sent nothing.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { botPolicy } from '../../src/server/bot-defence/bot-policy.ts';
import { cookieSetBy, formStamp, postForm, signInOverHttp } from './http-sign-in.ts';
import { readOutbox } from './outbox-messages.ts';
import { serveSite, type RunningSite } from './site-server.ts';

let site: RunningSite;
beforeAll(async () => {
  site = await serveSite(inject('siteDir'));
});
afterAll(() => site?.stop());

const { honeypotField, stampField } = botPolicy;
const get = (path: string, cookie = '') => fetch(new URL(path, site.url), { redirect: 'manual', headers: cookie ? { Cookie: cookie } : {} });
const emailsTo = async (to: string) => (await readOutbox(site.outboxDir)).filter((message) => message.to === to);
/** The stamp in the first form of a page's HTML ('' when it has none). */
const stampIn = (html: string) => new RegExp(`name="${stampField}" value="([^"]*)"`).exec(html)?.[1] ?? '';
const shape = async (response: Response) => ({ status: response.status, location: response.headers.get('location'), length: (await response.text()).length });

describe('a robot that fills the hidden field', () => {
  it('is answered by /subscribe as a person is, and sent nothing', async () => {
    const person = await postForm(site, '/subscribe', { email: 'reader@example.com', from: '/' });
    expect(await emailsTo('reader@example.com')).toHaveLength(1);
    const robot = await postForm(site, '/subscribe', { email: 'victim@example.com', from: '/', [honeypotField]: 'Great site!' });
    expect(await shape(robot)).toEqual(await shape(person));
    expect(robot.headers.get('location')).toBe('/subscribe/check');
    expect(await emailsTo('victim@example.com')).toEqual([]);
  });

  it('is answered by /signin as a person is, code cookie included, and sent nothing', async () => {
    const robot = await postForm(site, '/signin', { email: 'target@example.com', next: '/', [honeypotField]: 'http://spam.example' });
    expect(robot.status).toBe(303);
    expect(robot.headers.get('location')).toBe('/signin/check');
    expect(cookieSetBy(robot, 'coterie_signin')).not.toBe('');
    expect(await emailsTo('target@example.com')).toEqual([]);
  });

  it('is never asked of people: the field is out of sight, out of the tab order and hidden from screen readers', async () => {
    for (const path of ['/', '/signin', '/subscribe']) {
      const html = await (await get(path)).text();
      const guards = [...html.matchAll(/<div class="sign-up-guard" aria-hidden="true">([\s\S]*?)<\/div>/g)].map(([, inner = '']) => inner);
      expect(guards.length, path).toBeGreaterThan(0);
      for (const inner of guards) {
        expect(inner).toMatch(new RegExp(`<input id="[^"]+" name="${honeypotField}" type="text" value="" tabindex="-1" autocomplete="off"`));
        expect(inner).toContain('>Leave this field empty</label>');
      }
    }
  });
});

describe('a form sent faster than a person could', () => {
  it('is refused at /signin, keeping the address and the first stamp, so the next press goes through', async () => {
    const page = await (await get('/signin')).text();
    const stamp = stampIn(page);
    expect(stamp).not.toBe('');
    const rushed = await postForm(site, '/signin', { email: 'quick@example.com', next: '/', [stampField]: stamp });
    expect(rushed.status).toBe(400);
    const html = await rushed.text();
    expect(html).toContain('press the button again');
    expect(html).toContain('value="quick@example.com"');
    expect(stampIn(html)).toBe(stamp);
    expect(await emailsTo('quick@example.com')).toEqual([]);

    // A person's pace: the same form, sent once the page has been open a while.
    const patient = await postForm(site, '/signin', { email: 'quick@example.com', next: '/', [stampField]: formStamp(site, 'signin') });
    expect(patient.status).toBe(303);
    expect(await emailsTo('quick@example.com')).toHaveLength(1);
  });

  it('is refused at /subscribe when its page was rendered per request', async () => {
    const stamp = stampIn(await (await get('/subscribe')).text());
    expect(stamp).not.toBe('');
    const rushed = await postForm(site, '/subscribe', { email: 'hasty@example.com', from: '/', [stampField]: stamp });
    expect(rushed.status).toBe(400);
    expect(await rushed.text()).toContain('value="hasty@example.com"');
    expect(await emailsTo('hasty@example.com')).toEqual([]);
  });

  it('has no stamp on static pages, whose subscribe form works without one', async () => {
    expect(stampIn(await (await get('/')).text())).toBe('');
    const response = await postForm(site, '/subscribe', { email: 'static-page@example.com', from: '/' });
    expect(response.status).toBe(303);
    expect(await emailsTo('static-page@example.com')).toHaveLength(1);
    const stamped = await postForm(site, '/subscribe', { email: 'stamped@example.com', from: '/', [stampField]: formStamp(site, 'subscribe') });
    expect(stamped.status).toBe(303);
    expect(await emailsTo('stamped@example.com')).toHaveLength(1);
  });

  it('without the stamp /signin always has, is asked again with a fresh one', async () => {
    const bare = await postForm(site, '/signin', { email: 'nostamp@example.com', next: '/', [stampField]: '' });
    expect(bare.status).toBe(400);
    expect(stampIn(await bare.text())).not.toBe('');
    expect(await emailsTo('nostamp@example.com')).toEqual([]);
  });
});

describe('the counts of refused attempts', () => {
  it('are shown to the owner on /admin/newsletter, and to nobody else', async () => {
    await postForm(site, '/subscribe', { email: 'counted@example.com', from: '/', [honeypotField]: 'x' });
    const day = new Date().toISOString().slice(0, 10);
    const owner = await signInOverHttp(site, 'wren@hedgerow.example');
    const page = await (await get('/admin/newsletter', owner)).text();
    const section = /<section[^>]*aria-labelledby="refused-sign-ups-heading">([\s\S]*?)<\/section>/.exec(page)?.[1] ?? '';
    expect(section).toContain('Refused sign-ups');
    const rows = [...section.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(([, row = '']) => row);
    const today = rows.find((row) => row.includes(`datetime="${day}"`) && row.includes('<td>Newsletter</td>')) ?? '';
    // The first number column counts the hidden field.
    const [honeypot] = [...today.matchAll(/<td class="number">(\d+)<\/td>/g)].map(([, count]) => Number(count));
    expect(honeypot).toBeGreaterThanOrEqual(1);

    const member = await signInOverHttp(site, 'plain-member@example.com');
    for (const cookie of [member, '']) {
      const response = await get('/admin/newsletter', cookie);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('Refused sign-ups');
    }
  });
});
