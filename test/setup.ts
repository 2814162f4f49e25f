// Unhandled rejections fail the run instead of passing silently.
process.env.DOTENV_CONFIG_QUIET = 'true';
process.on('unhandledRejection', (reason) => {
  throw reason instanceof Error ? reason : new Error(`unhandled rejection: ${String(reason)}`);
});

// The node reads OLLAMA_HOST (Ollama's own variable): tests must not depend on the shell's.
// The live suite (test/llm/live-ollama.test.ts) reads it from CLAUDIA_LIVE_OLLAMA_HOST.
if (process.env.OLLAMA_HOST !== undefined) {
  process.env.CLAUDIA_LIVE_OLLAMA_HOST ??= process.env.OLLAMA_HOST;
  delete process.env.OLLAMA_HOST;
}
