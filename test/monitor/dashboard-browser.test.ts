import { expect } from 'chai';
import { existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startAppRig, type AppRig } from './app-rig';

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
    const blocked = await page.locator('#utterances tbody tr').nth(2).locator('td').nth(6).textContent();
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
