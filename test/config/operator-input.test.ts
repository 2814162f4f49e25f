import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { configFromOptions } from '../../src/cli/node-options';
import { loadConfig, MAX_PARAMS_FILE_BYTES, readParamsFile } from '../../src/config/load';
import { createSystemClock, MAX_TIMER_MS } from '../../src/util/clock';
import { startHarness, type Harness } from '../helpers/app-harness';

const errorOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return (e as Error).message;
  }
};

describe('bad numbers and names from operators', function () {
  this.timeout(20000);
  const dir = mkdtempSync(path.join(tmpdir(), 'claudia-operator-'));

  it('-p __proto__.x / constructor / prototype are refused and Object.prototype stays clean', () => {
    for (const p of ['__proto__.x=1', '__proto__.toString=1', 'ollama.__proto__=1', 'constructor.name=1', 'ollama.constructor=1', 'cache.prototype=1']) {
      expect(errorOf(() => configFromOptions({ param: [p] }, undefined)), p).to.match(/is refused: '(__proto__|constructor|prototype)' is not a parameter name/);
    }
    expect(errorOf(() => configFromOptions({ param: ['ollama.toString=1'] }, undefined)), 'inherited names are not parameters').to.match(/'ollama.toString' is unknown/);
    expect(Object.prototype).not.to.have.own.property('x');
    expect(typeof Object.prototype.toString).to.equal('function');
  });

  it('a __proto__ (or constructor, prototype) key in params.yaml is refused', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const file = path.join(dir, `${key}.yaml`);
      writeFileSync(file, `/**:\n  ros__parameters:\n    ollama:\n      ${key}:\n        polluted: true\n`);
      expect(errorOf(() => loadConfig({ paramsFile: file })), key).to.match(new RegExp(`'ollama\\.${key}(\\.polluted)?' is refused`));
      const top = path.join(dir, `top-${key}.yaml`);
      writeFileSync(top, `/**:\n  ros__parameters:\n    ${key}:\n      polluted: true\n`);
      expect(errorOf(() => loadConfig({ paramsFile: top })), key).to.match(/is refused/);
    }
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('--params accepts only a regular file: /dev/zero and a directory are refused at once', () => {
    expect(errorOf(() => readParamsFile('/dev/zero'))).to.equal('params file /dev/zero is not a regular file; pass a YAML file');
    expect(errorOf(() => readParamsFile(dir))).to.match(/is not a regular file/);
  });

  it('--params size limit: at the limit it is read, one byte above it is refused', () => {
    const head = '/**:\n  ros__parameters:\n    log:\n      level: warn\n';
    const at = path.join(dir, 'at.yaml');
    writeFileSync(at, head + '#'.repeat(MAX_PARAMS_FILE_BYTES - head.length - 1) + '\n');
    expect(readParamsFile(at).get('log.level')).to.equal('warn');
    const above = path.join(dir, 'above.yaml');
    writeFileSync(above, head + '#'.repeat(MAX_PARAMS_FILE_BYTES - head.length) + '\n');
    expect(errorOf(() => readParamsFile(above))).to.equal(`params file ${above} is ${MAX_PARAMS_FILE_BYTES + 1} bytes; the limit is ${MAX_PARAMS_FILE_BYTES}`);
  });

  it('the system clock never lets a long timer overflow into "fire now"', async () => {
    const clock = createSystemClock();
    let fired = 0;
    const handles = [MAX_TIMER_MS, MAX_TIMER_MS + 1, 1e12].map((ms) => clock.setTimeout(() => fired++, ms));
    await new Promise((r) => setTimeout(r, 50));
    for (const h of handles) clock.clearTimeout(h);
    expect(fired).to.equal(0);
  });

  describe('timeout_s at and around 2^31 ms (simulator)', () => {
    let h: Harness;
    afterEach(async () => h?.close());
    it('2147483 (below), 2147483.647 (at) and 2147484 (above) s all wait for the answer instead of timing out at once', async () => {
      h = await startHarness({ script: [{ match: '今日はいい天気だね', content: { a: [], r: 'そうですね。' } }] });
      for (const timeoutS of [2147483, MAX_TIMER_MS / 1000, 2147484, 1e12]) {
        const rec = await h.app.pipeline.handle({ text: '今日はいい天気だね', origin: 'service', timeoutS });
        expect({ timeoutS, error: rec.error, reply: rec.reply }).to.deep.equal({ timeoutS, error: '', reply: 'そうですね。' });
      }
    });
  });
});
