import type { CommandEntry } from './types';

/**
 * The command table. One line per command; each module exports `spec` (a CliCommandSpec:
 * its options in `define`, its work in `run`). To add a command, add a line here and a module
 * beside this file; to add an option to a command, add it in that module's `define`.
 * Options that every node-starting command takes live in node-options.ts.
 */
export const COMMANDS: CommandEntry[] = [
  { words: ['audit', 'summary'], summary: 'counts and latency percentiles of an audit log', load: async () => (await import('./audit')).spec },
  { words: ['bag', 'info'], summary: 'what `ros2 bag info` prints for a rosbag2 bag', load: async () => (await import('./bag-info')).spec },
  { words: ['eval', 'intents'], summary: 'score the reflex layers (L0 + L1 only) on an intents file', load: async () => (await import('./eval-intents')).spec },
  { words: ['eval', 'pairs'], summary: 'may the cached answer for a serve b? (semantic cache)', load: async () => (await import('./eval-pairs')).spec },
  { words: ['query'], summary: 'one request through the full pipeline on an in-process node', load: async () => (await import('./query')).spec },
  { words: ['record'], summary: "record the node's topics into a Foxy bag", load: async () => (await import('./record')).spec },
  { words: ['replay'], summary: 'replay the speech in a bag into a fresh node and check expectations', load: async () => (await import('./replay')).spec },
  { words: ['run'], summary: 'start the node', load: async () => (await import('./run')).spec },
  { words: ['tiny-model'], summary: 'write a tiny random-weight GGUF model for engine smoke tests (not a model of anything)', load: async () => (await import('./tiny-model')).spec },
  { words: ['sim-ollama'], summary: "run the project's Ollama SIMULATOR (not a model)", load: async () => (await import('./sim-ollama')).spec },
];

/** Summaries of the command groups (`claudia-llm eval --help`). */
export const GROUPS: Record<string, string> = {
  audit: 'read the JSONL audit log (audit summary)',
  bag: 'rosbag2 bags (bag info)',
  eval: 'score the reflex layers and the semantic cache on data files (eval intents, eval pairs)',
};
