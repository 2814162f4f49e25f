export type TransportKind = 'memory' | 'dds' | 'rclnodejs';
export type Posture = 'unknown' | 'standing' | 'sitting' | 'lying' | 'damp';

/**
 * The whole configuration, one typed object. Every key maps 1:1 to a ROS parameter
 * (nested keys joined with dots: `ollama.model`), so params.yaml, `--ros-args -p`,
 * rclnodejs parameters and CLI flags all land here through one adapter (load.ts).
 */
export interface Config {
  node: { name: string; namespace: string; utterance_window_s: number; utterance_memory_bytes: number; cross_topic_window_ms: number; shutdown_timeout_s: number };
  transport: { kind: TransportKind; dds_domain_id: number; dds_network_interface: string };
  topics: {
    speech_text: string;
    speech: string;
    response: string;
    llm_query: string;
    sport_request: string;
    sport_response: string;
    sport_state: string;
    battery: string;
    battery_type: 'sensor_msgs/msg/BatteryState' | '';
    diagnostics: string;
    command: string;
  };
  language: { default: 'ja' | 'zh' | 'en'; max_input_chars: number; japanese_analyser: 'light' | 'kuromoji'; phrases_dir: string; require_wake_word: boolean };
  ollama: {
    enabled: boolean;
    hosts: string[];
    model: string;
    request_timeout_s: number;
    connect_timeout_s: number;
    warmup: boolean;
    num_ctx: number;
    num_batch: number;
    num_gpu: number;
    num_parallel: number;
    keep_alive: string;
    embed_model: string;
    health_interval_s: number;
  };
  llm: {
    backend: 'ollama' | 'openai' | 'embedded';
    api_key: string;
    openai_model: string;
    openai_guided_json: boolean;
    /** embedded backend: the GGUF model file. */
    model_path: string;
    /** embedded backend: CPU threads (0 = every core). */
    threads: number;
  };
  cache: {
    enabled: boolean;
    memory_max_entries: number;
    memory_max_bytes: number;
    ttl_s: number;
    redis_enabled: boolean;
    redis_url: string;
    redis_key_prefix: string;
    redis_command_timeout_ms: number;
    redis_connect_timeout_ms: number;
    redis_warm_max: number;
    redis_max_entries: number;
    redis_mode: 'single' | 'sentinel' | 'cluster';
    redis_sentinels: string[];
    redis_sentinel_name: string;
    redis_cluster_nodes: string[];
    redis_password: string;
    redis_sentinel_password: string;
    redis_tls: boolean;
    semantic_enabled: boolean;
    semantic_threshold: number;
  };
  prompt: { default_type: 'auto' | 'dialog' | 'command' | 'technical' | 'emergency'; session_memory_turns: number; session_max: number };
  sched: {
    lane_max_urgent: number;
    lane_max_high: number;
    lane_max_medium: number;
    lane_max_low: number;
    deadline_urgent_s: number;
    deadline_high_s: number;
    deadline_medium_s: number;
    deadline_low_s: number;
    reserve_slot_for_high: boolean;
    coalesce: boolean;
    streaming: boolean;
  };
  robot: {
    actions_file: string;
    initial_posture: Posture;
    settle_ms: number;
    sequence_pause_ms: number;
    response_timeout_s: number;
    move_rate_hz: number;
    move_default_speed: number;
    move_max_vx: number;
    move_max_vy: number;
    move_max_vyaw: number;
    move_default_duration_s: number;
    move_max_duration_s: number;
    arbitration: 'newest_wins' | 'queue';
  };
  safety: {
    enable_high_risk: boolean;
    high_risk_min_confidence: number;
    trust_unscored_input: boolean;
    max_actions_per_request: number;
    battery_low_percent: number;
    battery_critical_percent: number;
    unknown_state_safe_only: boolean;
  };
  metrics: { enabled: boolean; host: string; port: number; token: string; max_ws_clients: number };
  diagnostics: { enabled: boolean; rate_hz: number; hardware_id: string };
  audit: { path: string; max_bytes: number; max_files: number };
  log: { level: 'debug' | 'info' | 'warn' | 'error' };
  service: { reply_at: 'decision' | 'completion' };
  http: { enabled: boolean; max_body_bytes: number; rate_limit_max: number; rate_limit_window_s: number; allowed_hosts: string };
}
