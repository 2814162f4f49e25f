import type { CommandEntry } from './types';

/**
 * The command table. One line per command; each module exports a `command` (CliCommand).
 * Keep entries sorted by words.
 */
export const COMMANDS: CommandEntry[] = [
  { words: ['audit', 'summary'], summary: 'audit summary <file.jsonl> [--json]  counts and latency percentiles of an audit log', load: async () => (await import('./audit')).command },
  { words: ['eval', 'pairs'], summary: 'eval pairs <file.jsonl> [--json] [--no-hint] [--threshold X]  may the cached answer for a serve b? (semantic cache)', load: async () => (await import('./eval-pairs')).command },
  { words: ['eval', 'intents'], summary: 'eval intents <file.jsonl> [--json] [--no-lang-hint]  score the reflex layers (L0 + L1 only) on an intents file', load: async () => (await import('./eval-intents')).command },
  { words: ['sim-ollama'], summary: 'sim-ollama [--port N] [--profile fast|jetson|fixed] [--slots N] [--script f.json]  run the Ollama simulator', load: async () => (await import('./sim-ollama')).command },
];
