// Unhandled rejections fail the run instead of passing silently.
process.env.DOTENV_CONFIG_QUIET = 'true';
process.on('unhandledRejection', (reason) => {
  throw reason instanceof Error ? reason : new Error(`unhandled rejection: ${String(reason)}`);
});
