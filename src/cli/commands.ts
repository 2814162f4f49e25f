import type { CommandEntry } from './types';

/**
 * The command table. One line per command; each module exports a `command` (CliCommand).
 * Keep entries sorted by words.
 */
export const COMMANDS: CommandEntry[] = [
  { words: ['audit', 'summary'], summary: 'audit summary <file.jsonl> [--json]  counts and latency percentiles of an audit log', load: async () => (await import('./audit')).command },
  { words: ['bag', 'info'], summary: 'bag info <bag_dir> [--json] [--verify]  what `ros2 bag info` prints for a rosbag2 bag', load: async () => (await import('./bag-info')).command },
  { words: ['eval', 'intents'], summary: 'eval intents <file.jsonl> [--json] [--no-lang-hint]  score the reflex layers (L0 + L1 only) on an intents file', load: async () => (await import('./eval-intents')).command },
  { words: ['eval', 'pairs'], summary: 'eval pairs <file.jsonl> [--json] [--no-hint] [--threshold X] [--analyser light|kuromoji]  may the cached answer for a serve b? (semantic cache)', load: async () => (await import('./eval-pairs')).command },
  { words: ['query'], summary: 'query "<text>" [--json] [--language L] [--dry-run] ...  one request through the full pipeline', load: async () => (await import('./query')).command },
  { words: ['record'], summary: 'record <out_dir> [--topics a,b] [--transport memory|dds] [--duration S]  record the node\'s topics into a Foxy bag', load: async () => (await import('./record')).command },
  { words: ['replay'], summary: 'replay <bag_dir> [--rate R] [--out DIR] [--expect FILE] [--sim-script FILE]  replay speech into a fresh node, check expectations', load: async () => (await import('./replay')).command },
  { words: ['run'], summary: 'run [--transport memory|dds|rclnodejs] [--params FILE] [--metrics-port N] [--ros-args ...]  start the node', load: async () => (await import('./run')).command },
  { words: ['sim-ollama'], summary: 'sim-ollama [--port N] [--profile fast|jetson|fixed] [--slots N] [--script f.json]  run the Ollama simulator', load: async () => (await import('./sim-ollama')).command },
];
