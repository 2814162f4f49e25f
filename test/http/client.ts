import { spawn } from 'node:child_process';
import * as path from 'node:path';

/** One request as the child client sends it: a literal body, a JSON value, or repeated parts. */
export interface ClientRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  json?: unknown;
  parts?: Array<[string, number]>;
  /** Hang up as soon as the response body holds this text. */
  abortOn?: string;
}

export interface ClientResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  error?: string;
}

const SCRIPT = path.join(__dirname, 'fixtures', 'http-client.cjs');

/** Sends the requests from a separate Node process (a real HTTP client on real sockets), in order. */
export function httpFromChild(base: string, requests: ClientRequest[]): Promise<ClientResponse[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, JSON.stringify({ base, requests })], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ClientResponse[]) : reject(new Error(`http client exited ${code}: ${err}`))));
  });
}

export async function one(base: string, request: ClientRequest): Promise<ClientResponse> {
  const [r] = await httpFromChild(base, [request]);
  return r as ClientResponse;
}

export const JSON_HEADERS = { 'content-type': 'application/json' };

/** Server-sent events parsed from a response body: [{event, data}]. */
export function parseEvents(body: string): Array<{ event: string; data: unknown }> {
  return body
    .split('\n\n')
    .filter((b) => b.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
      const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      return { event, data: data ? (JSON.parse(data) as unknown) : undefined };
    });
}
