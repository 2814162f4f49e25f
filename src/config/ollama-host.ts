import { isIP } from 'node:net';

/**
 * `OLLAMA_HOST` read exactly as Ollama reads it, so one variable points both Ollama's own
 * CLI and this node at the same server. Ported from ollama/ollama `envconfig/config.go`
 * (`Var`, `Host`, `ConnectableHost`; commit fb30760996871fa9460115c753afd2c60d4ab0f7) and
 * checked against the cases of its `envconfig/config_test.go` `TestHost`:
 * - surrounding spaces and quotes are dropped (`Var`);
 * - no scheme is `http://` with port 11434 (`1.2.3.4` -> http://1.2.3.4:11434), and the
 *   bare name `ollama.com` is https://ollama.com:443;
 * - `http://host` without a port is port 80, `https://host` 443;
 * - a path is kept (`https://example.com/ollama`), an out-of-range port becomes the default,
 *   IPv6 is bracketed (`::1` -> http://[::1]:11434);
 * - as a client, an unspecified bind address (0.0.0.0, ::) connects to loopback
 *   (`ConnectableHost`), and so does an empty host (`:1234`), which Go dials as the local host.
 * Returns undefined for an unset or blank variable (Ollama then uses its default, which is
 * this package's default too).
 */
export function parseOllamaHost(raw: string | undefined): string | undefined {
  const s = trimQuotes(raw ?? '');
  if (s === '') return undefined;
  let defaultPort = '11434';
  let scheme: string;
  let hostport: string;
  const cut = s.indexOf('://');
  if (cut < 0) {
    [scheme, hostport] = s === 'ollama.com' ? ['https', 'ollama.com:443'] : ['http', s];
  } else {
    scheme = s.slice(0, cut);
    hostport = s.slice(cut + 3);
    if (scheme === 'http') defaultPort = '80';
    else if (scheme === 'https') defaultPort = '443';
  }
  const slash = hostport.indexOf('/');
  const path = slash < 0 ? '' : hostport.slice(slash + 1);
  if (slash >= 0) hostport = hostport.slice(0, slash);
  let split = splitHostPort(hostport);
  if (!split) {
    const bare = hostport.replace(/^\[|\]$/g, '');
    split = { host: isIP(bare) ? bare : hostport !== '' ? hostport : '127.0.0.1', port: defaultPort };
  }
  let { host, port } = split;
  const n = /^[+-]?\d+$/.test(port) ? Number(port) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 65535) port = defaultPort;
  else port = String(n);
  if (host === '' || host === '0.0.0.0') host = '127.0.0.1';
  else if (host === '::' || /^(0*:)+0*$/.test(host) && isIP(host) === 6) host = '::1';
  const joined = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return `${scheme}://${joined}${path ? `/${path}` : ''}`;
}

/** Go's strings.Trim(strings.TrimSpace(v), "\"'"), then the inner spaces Ollama's TrimSpace in Host removes. */
function trimQuotes(v: string): string {
  return v.trim().replace(/^["']+|["']+$/g, '').trim();
}

/** Go's net.SplitHostPort: `host:port` or `[v6]:port`; undefined when there is no port part. */
function splitHostPort(hp: string): { host: string; port: string } | undefined {
  if (hp.startsWith('[')) {
    const end = hp.indexOf(']');
    if (end < 0 || hp[end + 1] !== ':') return undefined;
    return { host: hp.slice(1, end), port: hp.slice(end + 2) };
  }
  const colon = hp.lastIndexOf(':');
  if (colon < 0 || hp.indexOf(':') !== colon) return undefined; // none, or a bare IPv6 address
  return { host: hp.slice(0, colon), port: hp.slice(colon + 1) };
}
