#!/usr/bin/env node
'use strict';
// natural prints dotenv banners on stdout unless told not to; keep CLI output clean.
process.env.DOTENV_CONFIG_QUIET = process.env.DOTENV_CONFIG_QUIET || 'true';
const path = require('node:path');
const fs = require('node:fs');

// dist/ is built by `npm ci` / `npm install` (the `prepare` script) and by `npm run build`.
const entry = path.join(__dirname, '..', 'dist', 'cli', 'entry.js');
if (!fs.existsSync(entry)) {
  process.stderr.write(
    `claudia-llm: ${path.relative(process.cwd(), entry) || entry} is missing: the TypeScript has not been built.\n` +
      `Run \`npm run build\` in ${path.join(__dirname, '..')} (npm ci and npm install do it through the prepare script).\n`,
  );
  process.exit(2);
}
require(entry);
