import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { startHarness, type Harness } from '../helpers/app-harness';

/** A stop's answer (and so its audit line) says StopMove was published: it always is. */
describe('a stop records the StopMove it published (published_api_ids, audit log, audit summary)', function () {
  this.timeout(20_000);
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('stop word, dry-run stop word, partial, explicit stop and a stop word in refused input: [1003] each, as on the wire', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'claudia-stop-audit-'));
    const audit = path.join(dir, 'audit.jsonl');
    h = await startHarness({ withLlm: false, config: { audit: { path: audit }, cache: { redis_enabled: false } } });
    const p = h.app.pipeline;
    const records = [
      await p.handle({ text: '止まって', origin: 'cli' }),
      await p.handle({ text: 'stop', origin: 'cli', dryRun: true }),
      p.partial({ text: 'ストップ', origin: 'speech' }),
      p.stop({ origin: 'http', text: 'POST /v1/stop' }),
      await p.handle({ text: 'stop', origin: 'cli', language: 'xx' }),
    ];
    for (const r of records) expect(r?.publishedApiIds, JSON.stringify(r?.actions)).to.deep.equal([1003]);
    expect(h.go2.apiIds().filter((id) => id === 1003)).to.have.length(5);
    await h.close();
    h = undefined;
    const lines = readFileSync(audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { published_api_ids: number[]; dry_run: boolean });
    expect(lines).to.have.length(5);
    for (const l of lines) expect(l.published_api_ids).to.deep.equal([1003]);
    const out: string[] = [];
    expect(await main(['audit', 'summary', audit, '--json'], { out: (l) => void out.push(l), err: () => undefined })).to.equal(0);
    const summary = JSON.parse(out.join('\n')) as { actions_published: Record<string, number>; dry_run: number };
    expect(summary.dry_run).to.equal(1);
    expect(summary.actions_published, 'the dry-run stop published StopMove too').to.deep.equal({ stop: 5 });
  });

  it('a dry-run action publishes nothing and is not counted as published', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'claudia-stop-audit-'));
    const audit = path.join(dir, 'audit.jsonl');
    h = await startHarness({ withLlm: false, config: { audit: { path: audit }, cache: { redis_enabled: false }, robot: { initial_posture: 'standing' } } });
    const rec = await h.app.pipeline.handle({ text: '座って', origin: 'cli', dryRun: true });
    expect(rec.publishedApiIds).to.deep.equal([]);
    await h.close();
    h = undefined;
    const out: string[] = [];
    expect(await main(['audit', 'summary', audit, '--json'], { out: (l) => void out.push(l), err: () => undefined })).to.equal(0);
    expect((JSON.parse(out.join('\n')) as { actions_published: Record<string, number> }).actions_published).to.deep.equal({});
  });
});
