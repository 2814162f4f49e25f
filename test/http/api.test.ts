import { expect } from 'chai';
import { networkInterfaces } from 'node:os';
import { LAG_ERROR_MS } from '../../src/monitor/diagnostics';
import { startHarness, waitFor, type Harness } from '../helpers/app-harness';
import { httpFromChild, JSON_HEADERS, one, parseEvents } from './client';

const STOP = 1003;
const MiB = 1024 * 1024;

function lanAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
}

/** The real node (memory transport, Go2 stand-in, no LLM); every request comes from a child process. */
describe('HTTP API (client in a separate process)', function () {
  this.timeout(60_000);
  let h: Harness;
  let base: string;
  const published = () => h.go2.apiIds();
  const stops = () => published().filter((id) => id === STOP).length;

  before(async () => {
    h = await startHarness({ withLlm: false, config: { metrics: { enabled: true, port: 0 }, http: { rate_limit_max: 1000 }, robot: { initial_posture: 'standing' } } });
    base = h.app.monitorUrl() as string;
  });
  after(() => h?.close());

  it('POST /v1/query answers with the LlmQuery response fields plus request_id and first_effect_ms, and the robot gets the Request', async () => {
    const before = published().length;
    const r = await one(base, { method: 'POST', path: '/v1/query', headers: JSON_HEADERS, json: { text: '座って' } });
    expect(r.status).to.equal(200);
    expect(r.headers['content-type']).to.match(/^application\/json/);
    const a = JSON.parse(r.body);
    expect(Object.keys(a).sort()).to.deep.equal(['actions', 'error', 'first_effect_ms', 'language', 'latency_ms', 'reply', 'request_id', 'source', 'success']);
    expect(a).to.include({ success: true, source: 'reflex', language: 'ja', error: '' });
    expect(a.actions).to.deep.equal([{ name: 'sit', api_id: 1009, parameter: '{}', verdict: 'ok' }]);
    expect(a.request_id).to.match(/^r-/);
    expect(a.first_effect_ms).to.be.a('number').and.at.most(a.latency_ms);
    expect(published().slice(before)).to.deep.equal([1009]);
  });

  it('GET /v1/actions lists the catalogue as the LLM sees it; GET /v1/status the /healthz components with values', async () => {
    const [actions, status] = await httpFromChild(base, [{ path: '/v1/actions' }, { path: '/v1/status' }]);
    const a = JSON.parse(actions?.body ?? '{}');
    expect(a.catalogue_hash).to.equal(h.app.catalogue.hash);
    expect(a.actions.map((x: { name: string }) => x.name)).to.deep.equal(h.app.catalogue.names());
    expect(a.actions.find((x: { name: string }) => x.name === 'forward')).to.include({ api_id: 1008, kind: 'move' });
    expect(a.prompt).to.include('- sit: ');
    const s = JSON.parse(status?.body ?? '{}');
    // 'error' only when the event loop itself lagged past LAG_ERROR_MS (a machine loaded by other work); the components are healthy.
    if (s.event_loop_lag_p99_ms >= LAG_ERROR_MS) expect(s.status).to.equal('error');
    else expect(s.status).to.be.oneOf(['ok', 'degraded']);
    expect(s.components.map((c: { component: string }) => c.component)).to.include('motion');
    expect(s.components.every((c: { values: unknown }) => typeof c.values === 'object')).to.equal(true);
  });
  it('passes every LlmQuery field through: a dry run publishes nothing, a stop word in a dry run still stops', async () => {
    const before = published().length;
    const dry = await one(base, { method: 'POST', path: '/v1/query', headers: JSON_HEADERS, json: { text: 'お手', language: 'ja', prompt_type: 'command', session_id: 's1', priority: 2, dry_run: true, timeout_s: 5, utterance_id: 'u-dry-1' } });
    expect(dry.status).to.equal(200);
    expect(JSON.parse(dry.body).actions.map((x: { name: string }) => x.name)).to.include('hello');
    expect(published().length).to.equal(before);
    const stop = await one(base, { method: 'POST', path: '/v1/query', headers: JSON_HEADERS, json: { text: '止まって', dry_run: true } });
    expect(JSON.parse(stop.body).actions).to.deep.equal([{ name: 'stop', api_id: STOP, parameter: '{}', verdict: 'ok' }]);
    expect(published().slice(before)).to.deep.equal([STOP]);
  });

  it('answers as server-sent events with Accept: text/event-stream, ending with the final record', async () => {
    const before = published().length;
    const r = await one(base, { method: 'POST', path: '/v1/query', headers: { ...JSON_HEADERS, accept: 'text/event-stream' }, json: { text: '伏せ' } });
    expect(r.status).to.equal(200);
    expect(r.headers['content-type']).to.match(/^text\/event-stream/);
    const events = parseEvents(r.body);
    expect(events[0]?.event).to.equal('deciding');
    expect(events.at(-1)?.event).to.equal('done');
    const names = events.map((e) => e.event);
    for (const n of names) expect(['deciding', 'decided', 'executing', 'reply', 'done']).to.include(n);
    const reply = events.filter((e) => e.event === 'reply').map((e) => (e.data as { delta: string }).delta).join('');
    const done = events.at(-1)?.data as { reply: string; published_api_ids: number[]; robot_codes: Array<{ api_id: number; code: number }>; actions: Array<{ name: string }> };
    expect(reply).to.equal(done.reply);
    const ran = (done.actions as Array<{ name: string; api_id: number; verdict: string }>).filter((x) => x.verdict === 'ok' || x.verdict === 'inserted').map((x) => x.api_id);
    expect(done.actions.map((x) => x.name).at(-1)).to.equal('lie_down');
    expect(done.published_api_ids).to.deep.equal(ran);
    expect(done.robot_codes).to.deep.equal(ran.map((id) => ({ api_id: id, code: 0 })));
    expect(published().slice(before)).to.deep.equal(ran);
  });

  it('a streaming client that hangs up cancels its request: the Move stream ends with StopMove', async () => {
    const before = published().length;
    const r = await one(base, { method: 'POST', path: '/v1/query', headers: { ...JSON_HEADERS, accept: 'text/event-stream' }, json: { text: '前に進んで' }, abortOn: 'event: executing' });
    expect(parseEvents(r.body.slice(0, r.body.lastIndexOf('\n\n') + 2)).map((e) => e.event)).to.include('executing');
    // The stream would run robot.move_default_duration_s (2 s, 20 Moves at 10 Hz) on its own.
    await waitFor(() => published().slice(before).includes(STOP), 'StopMove after the client left', 1000);
    expect(published().slice(before).filter((id) => id === 1008).length).to.be.below(10);
    const moves = published().filter((id) => id === 1008).length;
    await new Promise((res) => setTimeout(res, 300));
    expect(published().filter((id) => id === 1008).length, 'no Move after the stop').to.equal(moves);
  });

  it('a repeated utterance_id moves the robot once, yet a stop word under a repeated id still stops', async () => {
    const before = published().length;
    const q = (text: string) => ({ method: 'POST', path: '/v1/query', headers: JSON_HEADERS, json: { text, utterance_id: `dup-${process.pid}` } });
    const [first, again] = await httpFromChild(base, [q('お手'), q('お手')]);
    expect(JSON.parse(first?.body ?? '{}').request_id).to.equal(JSON.parse(again?.body ?? '{}').request_id);
    await waitFor(() => published().slice(before).includes(1016), 'the hello');
    const n = stops();
    const stop = await one(base, q('止まって'));
    expect(JSON.parse(stop.body).actions.map((a: { name: string }) => a.name)).to.deep.equal(['stop']);
    await waitFor(() => stops() === n + 1, 'StopMove under the repeated id');
    expect(published().slice(before).filter((id) => id === 1016), 'the hello ran once').to.have.length(1);
  });

  it('refuses malformed bodies, wrong types, unknown fields and wrong content types with 4xx, a project code and what to change', async () => {
    const before = published().length;
    const cases: Array<[string, { headers?: Record<string, string>; body?: string; json?: unknown; method?: string }, number, RegExp]> = [
      ['malformed JSON', { headers: JSON_HEADERS, body: '{"text": "座って"' }, 400, /not valid JSON.*send a JSON object/],
      ['empty body', { headers: JSON_HEADERS, body: '' }, 400, /body is empty/],
      ['not an object', { headers: JSON_HEADERS, json: ['座って'] }, 400, /must be a JSON object/],
      ['text missing', { headers: JSON_HEADERS, json: { language: 'ja' } }, 400, /field 'text' is required/],
      ['text a number', { headers: JSON_HEADERS, json: { text: 5 } }, 400, /field 'text' must be string/],
      ['priority a string', { headers: JSON_HEADERS, json: { text: '座って', priority: 'high' } }, 400, /field 'priority' must be integer/],
      ['priority out of range', { headers: JSON_HEADERS, json: { text: '座って', priority: 5 } }, 400, /field 'priority' must be <= 4/],
      ['dry_run a string', { headers: JSON_HEADERS, json: { text: '座って', dry_run: 'yes' } }, 400, /field 'dry_run' must be boolean/],
      ['unknown language', { headers: JSON_HEADERS, json: { text: '座って', language: 'xx' } }, 400, /field 'language' must be one of "", "ja", "zh", "en"/],
      ['unknown field', { headers: JSON_HEADERS, json: { text: '座って', confidence: 1 } }, 400, /unknown field 'confidence'; the fields are text, language/],
      ['text/plain', { headers: { 'content-type': 'text/plain' }, body: '座って' }, 415, /Content-Type must be application\/json/],
      ['form post', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'text=sit' }, 415, /Content-Type must be application\/json/],
      ['no content type', { body: '{"text":"座って"}' }, 415, /Content-Type must be application\/json \(got "none"\)/],
      ['GET', { method: 'GET' }, 405, /GET is not allowed on \/v1\/query; use POST/],
      ['too long for the pipeline', { headers: JSON_HEADERS, json: { text: 'あ'.repeat(2001) } }, 400, /2001 characters; the limit is 2000 \(language\.max_input_chars\)/],
    ];
    const res = await httpFromChild(base, cases.map(([, c]) => ({ method: c.method ?? 'POST', path: '/v1/query', ...c })));
    cases.forEach(([what, , status, re], i) => {
      const r = res[i];
      expect(r?.status, what).to.equal(status);
      const b = JSON.parse(r?.body ?? '{}');
      expect(b.code, what).to.equal('E_BAD_INPUT');
      expect(b.error, what).to.equal(`E_BAD_INPUT: ${b.message}`);
      expect(b.message, what).to.match(re);
      if (status !== 405) expect(b.stopped, what).to.equal(false);
    });
    expect(published().length, 'nothing published for refused requests').to.equal(before);
  });

  it('refuses a foreign Origin and a Host that does not name this server (403) before reading the body', async () => {
    const before = published().length;
    const port = new URL(base).port;
    const res = await httpFromChild(base, [
      { method: 'POST', path: '/v1/query', headers: { ...JSON_HEADERS, origin: 'http://evil.example' }, json: { text: '止まって' } },
      { method: 'POST', path: '/v1/stop', headers: { origin: 'http://evil.example' } },
      { method: 'POST', path: '/v1/query', headers: { ...JSON_HEADERS, 'sec-fetch-site': 'cross-site' }, json: { text: '座って' } },
      { method: 'POST', path: '/v1/query', headers: { ...JSON_HEADERS, host: `attacker.example:${port}` }, json: { text: '座って' } },
      { method: 'POST', path: '/v1/stop', headers: { host: `attacker.example:${port}` } },
      { method: 'POST', path: '/v1/query', headers: { ...JSON_HEADERS, origin: `http://127.0.0.1:${port}` }, json: { text: 'お手', dry_run: true } },
      { method: 'POST', path: '/v1/query', headers: { ...JSON_HEADERS, host: `localhost:${port}` }, json: { text: 'お手', dry_run: true } },
    ]);
    expect(res.map((r) => r.status)).to.deep.equal([403, 403, 403, 403, 403, 200, 200]);
    expect(JSON.parse(res[0]?.body ?? '{}').message).to.match(/another site may not drive the robot/);
    expect(JSON.parse(res[3]?.body ?? '{}').message).to.match(/Host 'attacker.example:\d+' does not name this server.*http\.allowed_hosts/);
    expect(published().length, 'a refused cross-site request moves nothing and stops nothing').to.equal(before);
  });

  it('shows the emergency reflex every refused request first: a stop word in a refused body still publishes StopMove', async () => {
    const refused = [
      { headers: { 'content-type': 'text/plain' }, body: '止まって' },
      { headers: JSON_HEADERS, body: '{"text": "stop right now"' },
      { headers: JSON_HEADERS, json: { text: 'stop', priority: 'urgent' } },
      { headers: JSON_HEADERS, json: { text: 'やめて', extra: 1 } },
      // Python's json.dumps escapes non-ASCII by default.
      { headers: JSON_HEADERS, body: '{"text": "\\u6b62\\u307e\\u3063\\u3066", "priority": -1}' },
      { headers: JSON_HEADERS, json: { text: `${'x'.repeat(3000)} stop` } },
      // A stop word with invisible characters inside (zero-width space, soft hyphen), past the length limit.
      { headers: JSON_HEADERS, json: { text: `${'a '.repeat(1500)}止\u200bまっ\u00adて` } },
      // More strings than the parsed-field scan looks at: the raw body is scanned as well.
      { headers: JSON_HEADERS, json: { text: 'hello', extra: [...Array.from({ length: 1200 }, () => 'x'), 'stop'] } },
    ];
    for (const [i, r] of refused.entries()) {
      const n = stops();
      const res = await one(base, { method: 'POST', path: '/v1/query', ...r });
      expect(res.status, `case ${i}`).to.be.within(400, 499);
      expect(JSON.parse(res.body).stopped, `case ${i}`).to.equal(true);
      await waitFor(() => stops() === n + 1, `StopMove for refused case ${i}`);
    }
  });

  it('refuses a body over http.max_body_bytes (413) only after the emergency reflex has read all of it', async () => {
    const limit = h.app.config.http.max_body_bytes;
    expect(limit).to.equal(8 * MiB);
    const head = '{"text":"';
    const tail = '"}';
    const fill = (total: number) => total - head.length - tail.length;
    // A stop word at the very end, 9 MiB in: only a full scan finds it.
    let n = stops();
    let r = await one(base, { method: 'POST', path: '/v1/query', headers: JSON_HEADERS, parts: [[head, 1], ['a ', (9 * MiB) / 2], [' stop', 1], [tail, 1]] });
    expect(r.status).to.equal(413);
    let b = JSON.parse(r.body);
    expect(b).to.include({ code: 'E_BAD_INPUT', stopped: true });
    expect(b.message).to.match(/over 8388608 bytes \(http\.max_body_bytes\)/);
    expect(stops()).to.equal(n + 1);
    // Without a stop word: refused, nothing published.
    n = stops();
    const before = published().length;
    r = await one(base, { method: 'POST', path: '/v1/query', headers: JSON_HEADERS, parts: [[head, 1], ['a', fill(limit + 1)], [tail, 1]] });
    expect(r.status, 'one byte over the limit').to.equal(413);
    expect(JSON.parse(r.body).stopped).to.equal(false);
    // At the limit the body is read and parsed; the pipeline then refuses the text's length (after L0).
    r = await one(base, { method: 'POST', path: '/v1/query', headers: JSON_HEADERS, parts: [[head, 1], ['a', fill(limit)], [tail, 1]] });
    expect(r.status, 'exactly at the limit').to.equal(400);
    b = JSON.parse(r.body);
    expect(b.message).to.match(/language\.max_input_chars/);
    r = await one(base, { method: 'POST', path: '/v1/query', headers: JSON_HEADERS, parts: [[head, 1], ['a', fill(limit - 1)], [tail, 1]] });
    expect(r.status, 'one byte under the limit').to.equal(400);
    expect(published().length).to.equal(before);
    // Japanese escaped as \u sequences in an oversize body is still a stop.
    n = stops();
    r = await one(base, { method: 'POST', path: '/v1/query', headers: JSON_HEADERS, parts: [[head, 1], ['b', limit], ['\\u6b62\\u307e\\u3063\\u3066', 1], [tail, 1]] });
    expect(r.status).to.equal(413);
    expect(stops()).to.equal(n + 1);
  });

  it('POST /v1/stop needs no body or content type, publishes StopMove and answers 200 JSON, every time', async () => {
    const n = stops();
    const res = await httpFromChild(base, [
      { method: 'POST', path: '/v1/stop' },
      { method: 'POST', path: '/v1/stop', headers: { 'content-type': 'text/plain' }, body: 'anything' },
      { method: 'POST', path: '/v1/stop', headers: JSON_HEADERS },
      { method: 'POST', path: '/v1/stop', headers: JSON_HEADERS, body: '{not json' },
    ]);
    expect(res.map((r) => r.status)).to.deep.equal([200, 200, 200, 200]);
    for (const r of res) {
      const b = JSON.parse(r.body);
      expect(b.stopped).to.equal(true);
      expect(b.request_id).to.match(/^r-/);
      expect(b.latency_ms).to.be.a('number');
    }
    expect(stops()).to.equal(n + 4);
  });

});

describe('HTTP API rate limit', function () {
  this.timeout(30_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ withLlm: false, config: { metrics: { enabled: true, port: 0 }, http: { rate_limit_max: 3, rate_limit_window_s: 60 }, robot: { initial_posture: 'standing' } } });
  });
  after(() => h?.close());

  it('answers up to rate_limit_max queries per window, then 429 E_QUEUE_FULL — after the emergency reflex saw the text; /v1/stop is never limited', async () => {
    const base = h.app.monitorUrl() as string;
    const q = (text: string) => ({ method: 'POST', path: '/v1/query', headers: JSON_HEADERS, json: { text, dry_run: true } });
    const res = await httpFromChild(base, [q('お手'), q('お手'), q('お手'), q('お手'), q('stop')]);
    expect(res.map((r) => r.status)).to.deep.equal([200, 200, 200, 429, 429]);
    const limited = JSON.parse(res[3]?.body ?? '{}');
    expect(limited).to.include({ code: 'E_QUEUE_FULL', stopped: false });
    expect(limited.message).to.match(/more than 3 queries in 60 s .*retry in/);
    expect(res[3]?.headers['retry-after']).to.match(/^\d+$/);
    expect(JSON.parse(res[4]?.body ?? '{}').stopped).to.equal(true);
    expect(h.go2.apiIds().filter((id) => id === STOP)).to.have.length(1);
    const stopsRes = await httpFromChild(base, Array.from({ length: 10 }, () => ({ method: 'POST', path: '/v1/stop' })));
    expect(stopsRes.every((r) => r.status === 200)).to.equal(true);
    expect(h.go2.apiIds().filter((id) => id === STOP)).to.have.length(11);
  });
});

describe('HTTP API with a token on a non-loopback bind', function () {
  this.timeout(30_000);
  let h: Harness;
  const TOKEN = 'tok-0123456789abcdef';
  before(async () => {
    h = await startHarness({ withLlm: false, config: { metrics: { enabled: true, port: 0, host: '0.0.0.0', token: TOKEN }, robot: { initial_posture: 'standing' } } });
  });
  after(() => h?.close());

  it('is 401 without the token, takes it for motion only from the Authorization header, and serves anyone who has it', async function () {
    const lan = lanAddress();
    if (!lan) this.skip(); // needs a second address to be a remote client
    const port = new URL(h.app.monitorUrl() as string).port;
    const n = h.go2.apiIds().length;
    for (const host of ['127.0.0.1', lan]) {
      const base = `http://${host}:${port}`;
      const res = await httpFromChild(base, [
        { method: 'POST', path: '/v1/query', headers: JSON_HEADERS, json: { text: 'お手', dry_run: true } },
        { method: 'POST', path: '/v1/stop' },
        { method: 'POST', path: `/v1/query?token=${TOKEN}`, headers: JSON_HEADERS, json: { text: 'お手', dry_run: true } },
        { method: 'POST', path: `/v1/stop?token=${TOKEN}` },
        { method: 'POST', path: '/v1/query', headers: { ...JSON_HEADERS, authorization: 'Bearer wrong' }, json: { text: 'お手', dry_run: true } },
        { method: 'POST', path: '/v1/query', headers: { ...JSON_HEADERS, authorization: `Bearer ${TOKEN}` }, json: { text: 'お手', dry_run: true } },
        { path: '/v1/actions' },
        { path: `/v1/actions?token=${TOKEN}` },
      ]);
      expect(res.map((r) => r.status), host).to.deep.equal([401, 401, 401, 401, 401, 200, 401, 200]);
      expect(res[0]?.headers['www-authenticate']).to.match(/^Bearer/);
      expect(JSON.parse(res[2]?.body ?? '{}').message).to.match(/Authorization: Bearer .*never read \?token= from the URL/);
    }
    expect(h.go2.apiIds().length, 'no request without the token moved or stopped the robot').to.equal(n);
  });
});

describe('HTTP API answers when the LlmQuery service would (service.reply_at)', function () {
  this.timeout(30_000);
  // A robot that never acknowledges: the executor waits robot.response_timeout_s (0.5 s) per command.
  const silent = () => undefined;

  it('decision (default): the verdicts as decided, before the robot has answered; first_effect_ms null', async () => {
    const h = await startHarness({ withLlm: false, codeFor: silent, config: { metrics: { enabled: true, port: 0 }, robot: { initial_posture: 'standing' } } });
    try {
      expect(h.app.config.service.reply_at).to.equal('decision');
      const base = h.app.monitorUrl() as string;
      const [json, sse] = await httpFromChild(base, [
        { method: 'POST', path: '/v1/query', headers: JSON_HEADERS, json: { text: 'お手' } },
        { method: 'POST', path: '/v1/query', headers: { ...JSON_HEADERS, accept: 'text/event-stream' }, json: { text: '座って' } },
      ]);
      const a = JSON.parse(json?.body ?? '{}');
      expect(a).to.include({ success: true, source: 'reflex', first_effect_ms: null, error: '' });
      expect(a.actions).to.deep.equal([{ name: 'hello', api_id: 1016, parameter: '{}', verdict: 'ok' }]);
      expect(a.latency_ms, 'answered before the 0.5 s robot timeout').to.be.below(500);
      // The stream goes on to the end: its done event holds what the robot (did not) answer.
      const events = parseEvents(sse?.body ?? '');
      expect(events.map((e) => e.event).filter((n) => n !== 'reply')).to.deep.equal(['deciding', 'decided', 'executing', 'done']);
      const executing = events.find((e) => e.event === 'executing')?.data as { source: string; actions: Array<{ verdict: string }> };
      expect(executing.source).to.equal('reflex');
      const done = events.at(-1)?.data as { latency_ms: number; robot_codes: Array<{ code: unknown }>; first_effect_ms: number };
      expect(done.robot_codes.map((c) => c.code)).to.deep.equal(['unknown']);
      expect(done.latency_ms).to.be.at.least(500);
      // Published only once the hello before it ended (a running atomic action finishes first).
      expect(done.first_effect_ms).to.be.a('number').and.at.most(done.latency_ms);
    } finally {
      await h.close();
    }
  });

  it('completion: after the robot has answered (or timed out), with first_effect_ms', async () => {
    const h = await startHarness({ withLlm: false, codeFor: silent, config: { metrics: { enabled: true, port: 0 }, service: { reply_at: 'completion' }, robot: { initial_posture: 'standing' } } });
    try {
      const r = await one(h.app.monitorUrl() as string, { method: 'POST', path: '/v1/query', headers: JSON_HEADERS, json: { text: 'お手' } });
      const a = JSON.parse(r.body);
      expect(a.latency_ms).to.be.at.least(500);
      expect(a.first_effect_ms).to.be.a('number').and.below(500);
    } finally {
      await h.close();
    }
  });
});

describe('HTTP API switched off (http.enabled false)', function () {
  this.timeout(30_000);
  it('serves no /v1 route and no /openapi.json, while /metrics and /healthz stay', async () => {
    const h = await startHarness({ withLlm: false, config: { metrics: { enabled: true, port: 0 }, http: { enabled: false } } });
    try {
      const res = await httpFromChild(h.app.monitorUrl() as string, [
        { method: 'POST', path: '/v1/query', headers: JSON_HEADERS, json: { text: 'お手' } },
        { method: 'POST', path: '/v1/stop' },
        { path: '/openapi.json' },
        { path: '/metrics' },
        { path: '/healthz' },
      ]);
      expect(res.map((r) => r.status)).to.deep.equal([404, 404, 404, 200, 200]);
      expect(h.go2.apiIds()).to.deep.equal([]);
    } finally {
      await h.close();
    }
  });
});
