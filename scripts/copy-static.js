'use strict';
// Copies non-TypeScript assets into dist/ so the built package runs without src/
// (the dashboard's HTML/JS/CSS; Chart.js itself is served from node_modules).
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
for (const rel of ['monitor/static']) {
  const from = path.join(root, 'src', rel);
  if (fs.existsSync(from)) fs.cpSync(from, path.join(root, 'dist', rel), { recursive: true });
}
