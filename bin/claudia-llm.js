#!/usr/bin/env node
'use strict';
// natural prints dotenv banners on stdout unless told not to; keep CLI output clean.
process.env.DOTENV_CONFIG_QUIET = process.env.DOTENV_CONFIG_QUIET || 'true';
require('../dist/cli/entry.js');
