import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * In a fresh process: a node on the default backend (ollama) never loads node-llama-cpp;
 * loading the embedded engine in that same process does (the control). Read from
 * /proc/self/maps: the engine is a native addon, so loading it maps llama.cpp's libraries.
 */
describe('the embedded engine is optional: the default path never loads it', function () {
  this.timeout(30_000);

  it('createApp + start + a query on llm.backend ollama map no llama.cpp; loading the embedded engine does', () => {
    const script = `
      const { readFileSync, writeFileSync, mkdtempSync } = require('node:fs');
      const path = require('node:path');
      const os = require('node:os');
      const { createApp } = require('./src/app');
      const { configWith } = require('./src/config/load');
      const { createEmbeddedBackend } = require('./src/llm/embedded/embedded-backend');
      const { tinyModelGguf } = require('./src/llm/embedded/tiny-model');
      const { createSilentLogger } = require('./src/util/logger');
      const mapped = () => /llama/i.test(readFileSync('/proc/self/maps', 'utf8'));
      (async () => {
        const logger = createSilentLogger();
        const a = await createApp(configWith({ ollama: { hosts: ['http://127.0.0.1:9'], warmup: false }, metrics: { enabled: false } }), { logger });
        await a.start();
        const rec = await a.pipeline.handle({ text: 'tell me about your day', origin: 'cli', dryRun: true });
        const before = mapped();
        await a.close();
        const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'claudia-opt-')), 'tiny.gguf');
        writeFileSync(file, tinyModelGguf());
        const b = createEmbeddedBackend({ modelPath: file, contextSize: 512, sequences: 1, threads: 1, gpuLayers: 0, batchSize: 512, logger });
        await b.warmup({ model: 'tiny', options: { num_ctx: 512, num_batch: 512, num_gpu: 0 } }, AbortSignal.timeout(20000));
        const after = mapped();
        await b.close();
        process.stdout.write(JSON.stringify({ source: rec.source, before, after }) + '\\n');
        process.exit(0);
      })().catch((e) => { process.stderr.write(String((e && e.stack) || e)); process.exit(1); });
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 25_000, env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.trim().split('\n');
    // The query got the fallback answer (no Ollama at :9), not an engine's.
    expect(JSON.parse(lines[lines.length - 1] as string)).to.deep.equal({ source: 'fallback', before: false, after: true });
  });
});
