import { expect } from 'chai';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startAppRig, type AppRig } from './app-rig';
import { waitFor } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const OUT = path.resolve(__dirname, '..', '..', 'test-output');

/** Real headless Chromium against the real app's dashboard (LLM = the Ollama SIMULATOR). */
describe('monitor dashboard in headless Chromium', function () {
  this.timeout(60_000);
  let rig: AppRig;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];
  const consoleErrors: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    rig = await startAppRig({ llm: true }); // the monitor src/app.ts wires, default 1 s ticks
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('request', (r) => requested.push(r.url()));
    page.on('websocket', (ws) => requested.push(ws.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
  });

  after(async () => {
    await browser?.close();
    await rig?.close();
  });

  const rowCount = () => page.locator('#utterances tbody tr[data-request-id]').count();

  it('updates charts and the last-utterances table live, escapes utterances, and talks only to its own host', async () => {
    await page.goto(rig.url);
    await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'live');
    // A marker that a reload would wipe.
    await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));
    expect(await rowCount()).to.equal(0);
    const ticksBefore = await page.evaluate(() => (window as unknown as { Chart: { getChart(id: string): { data: { labels: unknown[] } } } }).Chart.getChart('chart-latency')?.data.labels.length ?? -1);

    const texts = [
      '座って',
      '踊ってから座って',
      '踊ってから座って',
      'バク転して',
      '今日はどんな一日だった？',
      '<img src=x onerror="window.__pwned=1">お手<script>window.__pwned=2</script>',
    ];
    for (const text of texts) await rig.app.pipeline.handle({ text, origin: 'cli' });

    // Rows arrive over the socket, newest first.
    await page.waitForFunction((n) => document.querySelectorAll('#utterances tbody tr[data-request-id]').length === n, texts.length);
    const firstRow = await page.locator('#utterances tbody tr').first().locator('td').nth(1).textContent();
    expect(firstRow).to.contain('<img src=x onerror=');
    expect(await page.locator('#utterances img, #utterances script').count()).to.equal(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).to.equal(undefined);
    const sources = await page.locator('#utterances tbody tr td:nth-child(4)').allTextContents();
    expect(sources.slice().reverse().slice(0, 5)).to.deep.equal(['reflex', 'llm', 'cache', 'reflex', 'llm']);
    const blocked = await page.locator('#utterances tbody tr').nth(2).locator('td').nth(7).textContent();
    expect(blocked).to.match(/blocked:high_risk_disabled/);

    // Charts: the per-tick source bars add up to the answers sent, the doughnut counts them,
    // the latency chart has gained points with values.
    await page.waitForFunction((n) => {
      const C = (window as unknown as { Chart: { getChart(id: string): { data: { datasets: Array<{ data: Array<number | null> }> } } } }).Chart;
      const bars = C.getChart('chart-sources');
      const sum = bars ? bars.data.datasets.reduce((a, ds) => a + ds.data.reduce<number>((b, v) => b + (v ?? 0), 0), 0) : 0;
      return sum === n;
    }, texts.length);
    const state = await page.evaluate(() => {
      const C = (window as unknown as { Chart: { getChart(id: string): { data: { labels: unknown[]; datasets: Array<{ label?: string; data: Array<number | null> }> } } } }).Chart;
      const lat = C.getChart('chart-latency');
      const mix = C.getChart('chart-mix');
      const hit = C.getChart('chart-hit');
      return {
        ticks: lat.data.labels.length,
        p50: lat.data.datasets[0]?.data.filter((v) => typeof v === 'number').length ?? 0,
        mix: mix.data.datasets[0]?.data.reduce<number>((a, v) => a + (v ?? 0), 0),
        hitPoints: hit.data.datasets[0]?.data.filter((v) => typeof v === 'number').length ?? 0,
        total: document.getElementById('kpi-total')?.textContent,
      };
    });
    expect(state.ticks).to.be.greaterThan(ticksBefore);
    expect(state.p50).to.be.greaterThan(0);
    expect(state.mix).to.equal(texts.length);
    expect(state.hitPoints).to.be.greaterThan(0);
    expect(state.total).to.equal(String(texts.length));
    const hostCells = await page.locator('#hosts tbody tr').first().locator('td').allTextContents();
    expect(hostCells[0]).to.contain(new URL(rig.sim?.url() ?? '').host);
    expect(hostCells[1]).to.equal('up');
    expect(hostCells[2]).to.equal('0');
    expect(hostCells[4]).to.match(/\d ms$/); // last call latency from the LLM calls just made

    // Let two more ticks draw (lines need points), then keep the picture.
    await page.waitForFunction(
      (n) => (window as unknown as { Chart: { getChart(id: string): { data: { labels: unknown[] } } } }).Chart.getChart('chart-latency').data.labels.length >= n + 2,
      state.ticks,
    );
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: path.join(OUT, 'dashboard.png'), fullPage: true });

    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).to.equal(42);
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).to.equal(1);
    const own = new URL(rig.url).host;
    const foreign = requested.filter((u) => new URL(u).host !== own);
    expect(requested.length).to.be.greaterThan(3);
    expect(foreign, 'requests to other hosts').to.deep.equal([]);
    expect(requested.some((u) => u.endsWith('/static/chart.umd.js'))).to.equal(true);
    expect(consoleErrors, 'console errors (CSP violations included)').to.deep.equal([]);
  });
});

const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/**
 * True for every character the page renders with a real glyph (not the .notdef box of a
 * missing font). Plain browser code as a string: tsx would otherwise wrap named functions
 * in a helper that does not exist in the page.
 */
const GLYPH_PROBE = `(args) => {
  const probe = document.createElement('span');
  probe.lang = args.lang;
  document.body.appendChild(probe);
  const font = getComputedStyle(probe).font;
  probe.remove();
  function draw(c) {
    const cv = document.createElement('canvas');
    cv.width = 40;
    cv.height = 40;
    const ctx = cv.getContext('2d');
    ctx.font = font.replace(/\\d+px/, '28px');
    ctx.fillStyle = '#000';
    ctx.fillText(c, 4, 32);
    return Array.from(ctx.getImageData(0, 0, 40, 40).data).join(',');
  }
  const tofu = draw('\\u{10FFFD}');
  return Object.fromEntries(args.chars.map((c) => [c, draw(c) !== tofu]));
}`;

async function glyphsRender(page: Page, chars: string[], lang: string): Promise<Record<string, boolean>> {
  return page.evaluate(`(${GLYPH_PROBE})(${JSON.stringify({ chars, lang })})`) as Promise<Record<string, boolean>>;
}

describe('dashboard: talking to the robot (headless Chromium)', function () {
  this.timeout(60_000);
  let rig: AppRig;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    rig = await startAppRig({ llm: true, overrides: { robot: { move_default_duration_s: 8 } } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(rig.url);
    await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'live');
  });

  after(async () => {
    await browser?.close();
    await rig?.close();
  });

  const rowOf = (text: string) => page.locator('#utterances tbody tr', { has: page.locator('td.text', { hasText: text }) }).first();

  it('sends a typed utterance; its row shows source, verdicts, first effect and latency, and the robot gets the Requests', async () => {
    await page.fill('#talk-text', '座って');
    await page.press('#talk-text', 'Enter');
    await page.waitForSelector('#utterances tbody tr.mine');
    const row = rowOf('座って');
    expect(await row.locator('td').nth(3).textContent()).to.equal('reflex');
    const acts = await row.locator('td').nth(4).locator('span.act').evaluateAll((els) => els.map((e) => `${e.textContent} ${(e as HTMLElement).title}`));
    expect(acts).to.deep.equal(['stand_up inserted', 'sit ok']);
    expect(await row.locator('td.text .via').textContent()).to.equal('via http');
    const first = await row.locator('td.first-effect').textContent();
    const total = await row.locator('td.latency').textContent();
    expect(first).to.match(/ms$/);
    expect(total).to.match(/(ms|s)$/);
    // Answered at decision (service.reply_at default), like the service: accepted, the row has the outcome.
    expect(await page.locator('#talk-status').textContent()).to.match(/^reflex · stand_up inserted, sit ok · “.+” · decided in [\d.]+ ms, executing/);
    expect(await page.inputValue('#talk-text'), 'the box is cleared for the next utterance').to.equal('');
    expect(rig.robotApiIds()).to.deep.equal([1004, 1009]);
  });

  it('shows the latency cards whenever the latency chart has points, and first effect beside them', async () => {
    await page.waitForFunction(() => {
      const C = (window as unknown as { Chart: { getChart(id: string): { data: { datasets: Array<{ data: Array<number | null> }> } } } }).Chart;
      return C.getChart('chart-latency').data.datasets[0]?.data.some((v) => typeof v === 'number');
    });
    for (const id of ['kpi-p50', 'kpi-p99', 'kpi-first']) expect(await page.locator(`#${id}`).textContent(), id).to.match(/\d( ms| s)$/);
  });

  it('the STOP button publishes StopMove and ends a running Move stream', async () => {
    await page.fill('#talk-text', '前に進んで');
    await page.press('#talk-text', 'Enter');
    await waitFor(() => rig.robotApiIds().filter((id) => id === 1008).length >= 2, 10_000, 'the Move stream');
    await page.click('#stop');
    await waitFor(() => rig.robotApiIds().includes(1003), 5000, 'StopMove');
    await page.waitForFunction(() => /^StopMove published/.test(document.getElementById('stop-status')?.textContent ?? ''));
    const moves = rig.robotApiIds().filter((id) => id === 1008).length;
    await new Promise((r) => setTimeout(r, 400));
    expect(rig.robotApiIds().filter((id) => id === 1008).length, 'no Move after STOP').to.equal(moves);
    expect(await rowOf('POST /v1/stop').locator('td').nth(4).textContent()).to.equal('stop');
  });

  it('renders Japanese and Chinese with real glyphs (a CJK font is installed), and keeps a screenshot', async () => {
    await page.fill('#talk-text', '你们好，请坐下');
    await page.press('#talk-text', 'Enter');
    await rowOf('你们好').waitFor();
    expect(await glyphsRender(page, ['你', '们', '请', '坐', '这', '进'], 'zh')).to.deep.equal({ 你: true, 们: true, 请: true, 坐: true, 这: true, 进: true });
    expect(await glyphsRender(page, ['座', 'っ', 'て', '進', 'ん', 'ボ'], 'ja')).to.deep.equal({ 座: true, っ: true, て: true, 進: true, ん: true, ボ: true });
    // The probe can tell: a code point no font has draws the box.
    expect(await glyphsRender(page, ['\u{10FFFC}'], 'zh')).to.deep.equal({ '\u{10FFFC}': false });
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: path.join(OUT, 'dashboard-talk.png'), fullPage: true });
    expect(consoleErrors, 'console errors (CSP violations included)').to.deep.equal([]);
  });
});

describe('dashboard with a token (headless Chromium)', function () {
  this.timeout(60_000);
  const TOKEN = 'dash-token-0123456789';
  let rig: AppRig;
  let browser: Browser;

  before(async () => {
    rig = await startAppRig({ llm: false, overrides: { metrics: { token: TOKEN } } });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  });
  after(async () => {
    await browser?.close();
    await rig?.close();
  });

  it('refuses a page without the token; a page with it sends utterances with the token in the Authorization header', async () => {
    const page = await browser.newPage();
    const refused = await page.goto(rig.url);
    expect(refused?.status()).to.equal(401);
    await page.goto(`${rig.url}/?token=${TOKEN}`);
    await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'live');
    // Without the header the API refuses even this same-origin page, and ?token= in the URL does not count for motion.
    const bare = await page.evaluate(async (tok) => {
      const a = await fetch('/v1/query', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"text":"お手"}' });
      const b = await fetch(`/v1/stop?token=${tok}`, { method: 'POST' });
      return [a.status, b.status];
    }, TOKEN);
    expect(bare).to.deep.equal([401, 401]);
    expect(rig.robotApiIds()).to.deep.equal([]);
    const sent: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/v1/')) sent.push(`${new URL(r.url()).pathname}${new URL(r.url()).search} ${r.headers()['authorization'] ?? ''}`);
    });
    await page.fill('#talk-text', 'お手');
    await page.press('#talk-text', 'Enter');
    await page.waitForSelector('#utterances tbody tr.mine');
    await page.click('#stop');
    await waitFor(() => rig.robotApiIds().includes(1003), 5000, 'StopMove');
    expect(sent).to.deep.equal([`/v1/query Bearer ${TOKEN}`, `/v1/stop Bearer ${TOKEN}`]);
    expect(rig.robotApiIds()).to.include(1016);
    await page.close();
  });
});
