import { createApp } from '../app';
import { createSystemClock } from '../util/clock';
import { asClaudiaError } from '../util/errors';
import { createConsoleLogger, jsonReplacer } from '../util/logger';
import { configFromFlags, parseNodeArgs } from './node-options';
import { parseRosArgs } from '../ros/ros-args';
import type { CliCommand } from './types';

/** `claudia-llm query "<text>" [--json]`: one request through the full pipeline on an in-process node. */
export const command: CliCommand = async (argv, io) => {
  let parsed;
  try {
    parsed = parseNodeArgs(argv, {
      json: { type: 'boolean' },
      language: { type: 'string' },
      'prompt-type': { type: 'string' },
      session: { type: 'string' },
      'dry-run': { type: 'boolean' },
      timeout: { type: 'string' },
      confidence: { type: 'string' },
    });
  } catch (err) {
    io.err(`claudia-llm query: ${(err as Error).message}`);
    return 2;
  }
  const { values, positionals, ros } = parsed;
  if (positionals.length !== 1) {
    io.err('usage: claudia-llm query "<text>" [--json] [--language ja|zh|en] [--prompt-type T] [--session ID] [--dry-run] [--timeout S] [--params FILE] [--ollama-host URL] [--no-llm]');
    return 2;
  }
  let app;
  try {
    const config = configFromFlags({ ...values, transport: values.transport ?? 'memory' }, ros.length ? parseRosArgs(ros) : undefined);
    const quietLogger = createConsoleLogger({ level: values.json ? 'error' : 'warn', write: (l) => io.err(l) });
    app = await createApp(config, { clock: createSystemClock(), logger: quietLogger });
    await app.start();
    const rec = await app.pipeline.handle({
      text: positionals[0] as string,
      origin: 'cli',
      language: values.language as string | undefined,
      promptType: values['prompt-type'] as string | undefined,
      sessionId: values.session as string | undefined,
      dryRun: values['dry-run'] === true,
      timeoutS: values.timeout !== undefined ? Number(values.timeout) : undefined,
      confidence: values.confidence !== undefined ? Number(values.confidence) : undefined,
    });
    const out = {
      success: rec.success,
      reply: rec.reply,
      language: rec.language,
      actions: rec.actions.map((a) => ({ name: a.name, api_id: a.api_id, parameter: a.parameter, verdict: a.verdict })),
      source: rec.source,
      latency_ms: Math.round(rec.latencyMs * 1000) / 1000,
      error: rec.error,
    };
    if (values.json) io.out(JSON.stringify(out, jsonReplacer));
    else {
      io.out(`reply:   ${out.reply}`);
      io.out(`actions: ${out.actions.length ? out.actions.map((a) => `${a.name}(${a.api_id} ${a.parameter}) ${a.verdict}`).join(', ') : '(none)'}`);
      io.out(`source:  ${out.source}  language: ${out.language || '?'}  latency: ${out.latency_ms} ms`);
      if (out.error) io.out(`error:   ${out.error}`);
    }
    return rec.success ? 0 : 1;
  } catch (err) {
    const e = asClaudiaError(err);
    if (values.json) io.out(JSON.stringify({ success: false, reply: '', language: '', actions: [], source: 'fallback', latency_ms: 0, error: e.toField() }));
    else io.err(`claudia-llm query: ${e.toField()}`);
    return 1;
  } finally {
    await app?.close();
  }
};
