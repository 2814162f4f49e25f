import { expect } from 'chai';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli/main';
import { configWith } from '../../src/config/load';
import { createAuditLog, createMonitor, summariseAudit, toAuditLine, type AuditLine } from '../../src/monitor';
import { createSystemClock } from '../../src/util/clock';
import { createMemoryLogger, createSilentLogger } from '../../src/util/logger';
import { createTelemetry } from '../../src/util/telemetry';
import { answerRecord } from './helpers';

describe('monitor audit log', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'claudia-audit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const readLines = (file: string): AuditLine[] =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditLine);

  it('writes one JSONL line per answer with verdicts, reasons, codes and stage latencies', async () => {
    const file = path.join(dir, 'sub', 'audit.jsonl');
    const telemetry = createTelemetry();
    const monitor = createMonitor({
      config: configWith({ metrics: { enabled: false }, diagnostics: { enabled: false }, audit: { path: file } }),
      telemetry,
      statusSources: () => [],
      clock: createSystemClock(),
      logger: createSilentLogger(),
    });
    await monitor.start();
    const long = 'お'.repeat(5000);
    telemetry.emit({
      type: 'answer',
      record: answerRecord({
        requestId: 'r-1',
        text: 'バク転して、それからお座り',
        source: 'llm',
        promptType: 'command',
        proposals: [{ name: 'back_flip' }, { name: 'sit' }],
        actions: [
          { name: 'back_flip', api_id: 2043, parameter: '{}', verdict: 'blocked:high_risk_disabled' },
          { name: 'sit', api_id: 1009, parameter: '{}', verdict: 'ok' },
        ],
        publishedApiIds: [1009],
        robotCodes: [{ apiId: 1009, code: 0 }],
        latencyMs: 2345.6789,
        firstEffectMs: 1200,
        detail: { queueMs: 12, ttftMs: 900, ttfaMs: 1100, llmMs: 2300, host: 'http://127.0.0.1:11434' },
      }),
    });
    // BigInt fields (CDR int64) must not break the line.
    telemetry.emit({ type: 'answer', record: answerRecord({ requestId: 'r-2', text: long, actions: [{ name: 'sit', api_id: 1009n as unknown as number, parameter: '{}', verdict: 'ok' }] }) });
    telemetry.emit({ type: 'cache_lookup', tier: 'memory', hit: true }); // not an answer: no line
    await monitor.close();

    const lines = readLines(file);
    expect(lines).to.have.length(2);
    const a = lines[0] as AuditLine;
    expect(a.id).to.equal('r-1');
    expect(a.input).to.equal('バク転して、それからお座り');
    expect(a.source).to.equal('llm');
    expect(a.prompt_type).to.equal('command');
    expect(a.proposed.map((p) => p.name)).to.deep.equal(['back_flip', 'sit']);
    expect(a.actions[0]).to.deep.include({ name: 'back_flip', api_id: 2043, verdict: 'blocked:high_risk_disabled', reason: 'high_risk_disabled' });
    expect(a.actions[1]).to.not.have.property('reason');
    expect(a.verdict).to.equal('partial');
    expect(a.published_api_ids).to.deep.equal([1009]);
    expect(a.robot_codes).to.deep.equal([{ api_id: 1009, code: 0 }]);
    expect(a.latency_ms).to.deep.equal({ total: 2345.679, first_effect: 1200, queue: 12, ttft: 900, ttfa: 1100, llm: 2300 });
    expect(a.time).to.match(/^\d{4}-\d\d-\d\dT/);
    const b = lines[1] as AuditLine;
    expect(b.input_chars).to.equal(5000);
    expect(Array.from(b.input).length).to.be.lessThan(260);
    expect(b.actions[0]?.api_id).to.equal(1009);
  });

  it('rotates by size and keeps max_files old files', async () => {
    const file = path.join(dir, 'audit.jsonl');
    const log = createAuditLog({ path: file, maxBytes: 2000, maxFiles: 2, logger: createSilentLogger() });
    for (let i = 0; i < 60; i++) log.write(toAuditLine(answerRecord({ requestId: `rot-${i}` })));
    await log.close();
    const files = readdirSync(dir).sort();
    expect(files).to.deep.equal(['audit.jsonl', 'audit.jsonl.1', 'audit.jsonl.2']);
    for (const f of files) expect(statSync(path.join(dir, f)).size).to.be.at.most(2000);
    // Newest lines in the live file, the run continues without gaps across the kept files.
    const ids = [...readLines(`${file}.2`), ...readLines(`${file}.1`), ...readLines(file)].map((l) => Number(l.id.split('-')[1]));
    expect(ids[ids.length - 1]).to.equal(59);
    for (let i = 1; i < ids.length; i++) expect(ids[i]).to.equal((ids[i - 1] as number) + 1);
    expect(ids.length).to.be.lessThan(60); // the oldest file was deleted
  });

  it('reports and counts lines it cannot write instead of throwing', async () => {
    const blocker = path.join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const logger = createMemoryLogger();
    let dropped = 0;
    expect(() => createAuditLog({ path: path.join(blocker, 'audit.jsonl'), maxBytes: 1000, maxFiles: 1, logger })).to.throw();
    // A bounded queue: the writer takes the first line at once, 3 more may wait, the rest are dropped and counted.
    const log = createAuditLog({ path: path.join(dir, 'd', 'a.jsonl'), maxBytes: 1000, maxFiles: 1, logger, maxQueue: 3, onDrop: (n) => (dropped += n) });
    for (let i = 0; i < 10; i++) log.write({ i });
    await log.close();
    const written = readFileSync(path.join(dir, 'd', 'a.jsonl'), 'utf8').trim().split('\n');
    expect(written).to.have.length(4);
    expect(dropped).to.equal(6);
    // A file that disappears under the writer (directory removed) is reported once, not thrown.
    const gone = path.join(dir, 'gone');
    const log2 = createAuditLog({ path: path.join(gone, 'a.jsonl'), maxBytes: 1000, maxFiles: 1, logger, onDrop: (n) => (dropped += n) });
    rmSync(gone, { recursive: true });
    log2.write({ x: 1 });
    await log2.close();
    expect(dropped).to.equal(7);
    expect(logger.lines.filter((l) => l.level === 'error' && /audit log write failed/.test(l.msg))).to.have.length(1);
  });

  it('summarises counts and latency percentiles by source; the CLI prints text and --json', async () => {
    const file = path.join(dir, 'audit.jsonl');
    const log = createAuditLog({ path: file, maxBytes: 1 << 20, maxFiles: 1, logger: createSilentLogger() });
    for (let i = 1; i <= 100; i++) log.write(toAuditLine(answerRecord({ source: 'reflex', latencyMs: i / 100 })));
    for (let i = 1; i <= 10; i++) log.write(toAuditLine(answerRecord({ source: 'llm', latencyMs: i * 1000, detail: { ttftMs: i * 100 } })));
    log.write(toAuditLine(answerRecord({ source: 'fallback', success: false, error: 'E_QUEUE_FULL: lane low full', actions: [] })));
    log.write(toAuditLine(answerRecord({ source: 'llm', actions: [{ name: 'front_flip', api_id: 1030, parameter: '{}', verdict: 'blocked:high_risk_disabled' }] })));
    await log.close();
    writeFileSync(file, readFileSync(file, 'utf8') + '{"torn line\n');

    const s = await summariseAudit([file]);
    expect(s.requests).to.equal(112);
    expect(s.bad_lines).to.equal(1);
    expect(s.by_source).to.deep.equal({ reflex: 100, llm: 11, fallback: 1 });
    expect(s.errors).to.deep.equal({ E_QUEUE_FULL: 1 });
    expect(s.blocked_reasons).to.deep.equal({ high_risk_disabled: 1 });
    expect(s.by_verdict['blocked']).to.equal(1);
    expect(s.latency_ms['reflex']).to.deep.equal({ n: 100, p50: 0.5, p90: 0.9, p99: 0.99, max: 1 });
    expect(s.latency_ms['llm']?.p90).to.equal(9000);
    expect(s.stage_ms['ttft']).to.deep.include({ n: 10, p50: 500, max: 1000 });

    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) };
    expect(await main(['audit', 'summary', file], io)).to.equal(0);
    expect(out.join('\n')).to.match(/112 requests/).and.match(/reflex\s+100\s+0\.500\s+0\.900\s+0\.990\s+1\.000/);
    out.length = 0;
    expect(await main(['audit', 'summary', file, '--json'], io)).to.equal(0);
    expect((JSON.parse(out.join('\n')) as { requests: number }).requests).to.equal(112);
    expect(await main(['audit', 'summary', path.join(dir, 'missing.jsonl')], io)).to.equal(2);
    expect(err.join('\n')).to.match(/E_BAD_INPUT: .*missing\.jsonl is not a readable file/);
    expect(await main(['audit', 'summary'], io)).to.equal(2);
  });

  it('an audit line says what was superseded and by which request (robot.arbitration newest_wins)', () => {
    const old = toAuditLine(answerRecord({ success: false, error: 'E_SUPERSEDED: superseded by request r-new (utterance u-new)', actions: [{ name: 'dance1', api_id: 1022, parameter: '{}', verdict: 'dropped:superseded' }], supersededBy: { requestId: 'r-new', utteranceId: 'u-new' } }));
    expect(old.superseded_by).to.deep.equal({ request_id: 'r-new', utterance_id: 'u-new' });
    expect(old.actions[0]?.reason).to.equal('superseded');
    const newer = toAuditLine(answerRecord({ superseded: [{ requestId: 'r-old', utteranceId: '' }], alreadyRunning: { requestId: 'r-run', utteranceId: 'u-run' } }));
    expect(newer.superseded).to.deep.equal([{ request_id: 'r-old', utterance_id: '' }]);
    expect(newer.already_running).to.deep.equal({ request_id: 'r-run', utterance_id: 'u-run' });
    expect(toAuditLine(answerRecord({})).superseded_by).to.equal(undefined);
  });
});
