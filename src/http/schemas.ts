/**
 * JSON Schemas of the HTTP API. Fastify validates requests and serialises responses with
 * them, and /openapi.json is generated from the same objects, so the document cannot
 * describe an API other than the one that runs.
 */

const ACTION = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'api_id', 'parameter', 'verdict'],
  properties: {
    name: { type: 'string', description: 'action name (stop, sit, forward, ...)' },
    api_id: { type: 'integer', description: 'Unitree sport api id (1003 StopMove, 1009 Sit, ...)' },
    parameter: { type: 'string', description: 'JSON parameter of the Request ("{}" when none)' },
    verdict: { type: 'string', description: 'ok | inserted | blocked:<reason> | dropped:<reason>' },
  },
} as const;

export const QUERY_REQUEST = {
  type: 'object',
  additionalProperties: false,
  required: ['text'],
  description: 'The fields of the LlmQuery service request (srv/LlmQuery.srv), all optional but text, plus utterance_id.',
  properties: {
    text: { type: 'string', description: 'the utterance; longer than language.max_input_chars is refused (after the emergency reflex has seen it)' },
    language: { type: 'string', enum: ['', 'ja', 'zh', 'en'], default: '', description: '"" = detect' },
    prompt_type: { type: 'string', enum: ['', 'auto', 'dialog', 'command', 'technical', 'emergency'], default: '', description: '"" or auto = chosen from the utterance' },
    session_id: { type: 'string', maxLength: 256, default: '' },
    priority: { type: 'integer', minimum: 0, maximum: 4, default: 0, description: '0 auto, 1 urgent, 2 high, 3 medium, 4 low' },
    dry_run: { type: 'boolean', default: false, description: 'decide but publish nothing (a stop word still publishes StopMove)' },
    timeout_s: { type: 'number', minimum: 0, default: 0, description: '0 = ollama.request_timeout_s' },
    utterance_id: { type: 'string', maxLength: 256, description: 'the same id twice (here or on any speech topic) moves the robot once' },
  },
} as const;

export const QUERY_RESPONSE = {
  type: 'object',
  additionalProperties: false,
  required: ['success', 'reply', 'language', 'actions', 'source', 'latency_ms', 'error', 'request_id', 'first_effect_ms'],
  description: 'The fields of the LlmQuery service response plus request_id and first_effect_ms.',
  properties: {
    success: { type: 'boolean' },
    reply: { type: 'string' },
    language: { type: 'string', description: 'ja | zh | en ("" when unknown)' },
    actions: { type: 'array', items: ACTION },
    source: { type: 'string', enum: ['reflex', 'cache', 'semantic_cache', 'llm', 'fallback'] },
    latency_ms: { type: 'number', description: 'arrival -> this answer' },
    error: { type: 'string', description: '"CODE: message", empty on success' },
    request_id: { type: 'string' },
    first_effect_ms: { type: ['number', 'null'], description: 'arrival -> first command published (or the reply when there is no motion); null while nothing is' },
  },
} as const;

export const ERROR = {
  type: 'object',
  additionalProperties: false,
  required: ['error', 'code', 'message'],
  properties: {
    error: { type: 'string', description: '"CODE: message"' },
    code: { type: 'string', enum: ['E_BAD_INPUT', 'E_QUEUE_FULL', 'E_INTERNAL'] },
    message: { type: 'string', description: 'what was wrong and what to change' },
    stopped: { type: 'boolean', description: 'true when the emergency reflex found a stop word in the refused request and published StopMove' },
  },
} as const;

export const STOP_RESPONSE = {
  type: 'object',
  additionalProperties: false,
  required: ['stopped', 'request_id', 'latency_ms'],
  properties: {
    stopped: { type: 'boolean', const: true },
    request_id: { type: 'string' },
    latency_ms: { type: 'number', description: 'arrival -> StopMove handed to the transport' },
  },
} as const;

export const ACTIONS_RESPONSE = {
  type: 'object',
  additionalProperties: false,
  required: ['catalogue_hash', 'high_risk_enabled', 'actions', 'prompt'],
  properties: {
    catalogue_hash: { type: 'string', description: 'part of every cache key' },
    high_risk_enabled: { type: 'boolean', description: 'safety.enable_high_risk' },
    prompt: { type: 'string', description: 'the action list exactly as the LLM reads it in its system prompt' },
    actions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'api_id', 'kind', 'risk', 'requires_standing', 'params', 'description'],
        properties: {
          name: { type: 'string' },
          api_id: { type: 'integer' },
          kind: { type: 'string', enum: ['sport', 'move', 'stop'] },
          risk: { type: 'string', enum: ['low', 'medium', 'high'] },
          requires_standing: { type: 'boolean' },
          params: {
            type: 'object',
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['type'],
              properties: { type: { type: 'string' }, min: { type: 'number' }, max: { type: 'number' }, default: { type: ['number', 'boolean'] } },
            },
          },
          description: { type: 'string' },
        },
      },
    },
  },
} as const;

export const STATUS_RESPONSE = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'components', 'event_loop_lag_p99_ms', 'ws_clients'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded', 'error'], description: 'as /healthz' },
    components: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['component', 'level', 'message', 'values'],
        properties: {
          component: { type: 'string' },
          level: { type: 'string', enum: ['ok', 'warn', 'error', 'stale'] },
          message: { type: 'string' },
          values: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
        },
      },
    },
    event_loop_lag_p99_ms: { type: 'number' },
    ws_clients: { type: 'integer' },
  },
} as const;
