const DEFAULT_HOST = 'registry.ollama.ai';
const DEFAULT_NAMESPACE = 'library';
const DEFAULT_TAG = 'latest';

/**
 * A model name as Ollama shows it in /api/ps and /api/tags: `model:tag`, with the
 * namespace (and registry host) only when they are not the defaults. "qwen2.5" becomes
 * "qwen2.5:latest", "registry.ollama.ai/library/qwen2.5:7b" becomes "qwen2.5:7b".
 * Mirrors ParseName + DisplayShortest in ollama/ollama types/model/name.go, so a tag-less
 * configured name still matches what /api/ps reports.
 */
export function normaliseOllamaModel(name: string): string {
  let s = name.trim();
  let tag = '';
  // "/" cannot be part of a tag, so a ':' after the last '/' starts the tag (a host:port does not).
  const colon = s.lastIndexOf(':');
  if (colon > s.lastIndexOf('/')) {
    tag = s.slice(colon + 1);
    s = s.slice(0, colon);
  }
  const parts = s.split('/');
  const model = parts.pop() ?? '';
  const namespace = parts.pop() ?? DEFAULT_NAMESPACE;
  const host = parts.length > 0 ? parts.join('/') : DEFAULT_HOST;
  // A scheme ("https://host/ns/model") is parsed off and not shown, as Ollama does.
  const bareHost = host.replace(/^[^/]*:\/\//, '');
  let prefix = '';
  if (bareHost.toLowerCase() !== DEFAULT_HOST) prefix = `${bareHost}/${namespace}/`;
  else if (namespace.toLowerCase() !== DEFAULT_NAMESPACE) prefix = `${namespace}/`;
  return `${prefix}${model}:${tag || DEFAULT_TAG}`;
}
