/*
 * claudia_peer: an independent Cyclone DDS peer for the interop tests. It uses idlc-generated
 * types (peer_types.idl), so its bytes come from Cyclone's own serializer, not claudia_llm's.
 * Every wait is bounded in time and count; output is one JSON object per line on stdout.
 *
 * Modes (options are --key value):
 *   go2      publish speech (--speech-topic speech|speech_text, --text, --lang, --utterance-id,
 *            --confidence, --final, --source, --stamp-sec, --stamp-nanosec), then act as the robot:
 *            print each unitree_api Request received (up to --expect) and answer it on
 *            rt/api/sport/response with status --code (default 0).
 *   call     call the LlmQuery service as rmw_cyclonedds does (--service, --guid, --seq, --text,
 *            --lang, --prompt-type, --session, --priority, --dry-run, --timeout-s); print the reply.
 *   echo     subscribe std_msgs/String on --in, republish each on --out (up to --count).
 *   sink     count std_msgs/String on --in until --count or --timeout-ms; print count and bytes.
 *   reflex-bench  publish --text as SpeechText --n times, waiting for each Request; print latencies.
 *   action   an rcl_action client of claudia_llm/action/Command at --action (default /claudia/command),
 *            as `ros2 action send_goal --feedback` does it: send_goal (--text, --lang, --utterance-id,
 *            --confidence, --priority, --dry-run, --timeout-s), then get_result; prints the send_goal
 *            reply, every feedback and status array, the result. --cancel-on-stage S sends cancel_goal
 *            (this goal's id, stamp 0) when feedback stage S arrives, --cancel-on-api N when the node
 *            publishes api id N. It also answers the node's sport requests as the robot (--code).
 *            --n K runs K goals one after another and prints the send_goal reply -> first feedback
 *            latencies instead (the benchmark).
 *   graph    what rmw's graph cache sees of node --node (in --ns): its reader and writer GIDs from
 *            ros_discovery_info, joined with Cyclone's DCPSPublication/DCPSSubscription for their
 *            topic and type names, as `ros2 node info` / `ros2 action info` resolve them. Waits
 *            until --expect endpoints are known (or --timeout-ms), prints one line.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dds/dds.h"
#include "peer_types.h"

static int g_argc;
static char **g_argv;

static const char *opt(const char *key, const char *def) {
  for (int i = 2; i + 1 < g_argc; i++)
    if (strncmp(g_argv[i], "--", 2) == 0 && strcmp(g_argv[i] + 2, key) == 0) return g_argv[i + 1];
  return def;
}
static long long opt_ll(const char *key, long long def) {
  const char *v = opt(key, NULL);
  return v ? strtoll(v, NULL, 0) : def;
}
static unsigned long long opt_ull(const char *key, unsigned long long def) {
  const char *v = opt(key, NULL);
  return v ? strtoull(v, NULL, 0) : def;
}
static double opt_d(const char *key, double def) {
  const char *v = opt(key, NULL);
  return v ? strtod(v, NULL) : def;
}

static void die(const char *what, dds_return_t rc) {
  fprintf(stderr, "claudia_peer: %s: %s\n", what, dds_strretcode(rc));
  exit(2);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* JSON string with escapes; UTF-8 passes through unchanged. */
static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
    else if (*p < 0x20) fprintf(f, "\\u%04x", *p);
    else fputc(*p, f);
  }
  fputc('"', f);
}

static dds_qos_t *ros_qos(void) {
  dds_qos_t *q = dds_create_qos();
  dds_qset_reliability(q, DDS_RELIABILITY_RELIABLE, DDS_SECS(1));
  dds_qset_durability(q, DDS_DURABILITY_VOLATILE);
  int32_t depth = (int32_t)opt_ll("depth", 10);
  /* depth <= 0: keep-all (reliable flow control instead of overwriting), as the bench uses */
  if (depth > 0) dds_qset_history(q, DDS_HISTORY_KEEP_LAST, depth);
  else dds_qset_history(q, DDS_HISTORY_KEEP_ALL, DDS_LENGTH_UNLIMITED);
  return q;
}

static dds_entity_t make_topic(dds_entity_t pp, const dds_topic_descriptor_t *desc, const char *name) {
  dds_entity_t t = dds_create_topic(pp, desc, name, NULL, NULL);
  if (t < 0) die(name, t);
  return t;
}

static dds_entity_t make_writer(dds_entity_t pp, dds_entity_t t) {
  dds_qos_t *q = ros_qos();
  dds_entity_t w = dds_create_writer(pp, t, q, NULL);
  dds_delete_qos(q);
  if (w < 0) die("create writer", w);
  return w;
}

static dds_entity_t make_reader(dds_entity_t pp, dds_entity_t t) {
  dds_qos_t *q = ros_qos();
  dds_entity_t r = dds_create_reader(pp, t, q, NULL);
  dds_delete_qos(q);
  if (r < 0) die("create reader", r);
  return r;
}

/* Waits (bounded) until the writer sees a matching reader; 0 on success. */
static int wait_matched_writer(dds_entity_t w, double timeout_ms) {
  double end = now_ms() + timeout_ms;
  while (now_ms() < end) {
    dds_publication_matched_status_t st;
    if (dds_get_publication_matched_status(w, &st) == 0 && st.current_count > 0) return 0;
    dds_sleepfor(DDS_MSECS(10));
  }
  return -1;
}

static int wait_matched_reader(dds_entity_t r, double timeout_ms) {
  double end = now_ms() + timeout_ms;
  while (now_ms() < end) {
    dds_subscription_matched_status_t st;
    if (dds_get_subscription_matched_status(r, &st) == 0 && st.current_count > 0) return 0;
    dds_sleepfor(DDS_MSECS(10));
  }
  return -1;
}

/* Takes one sample (bounded wait via a waitset); 1 if taken, 0 on timeout. */
static int take_one(dds_entity_t r, void *sample, double timeout_ms) {
  dds_entity_t ws = dds_create_waitset(dds_get_participant(r));
  dds_entity_t rc = dds_create_readcondition(r, DDS_ANY_STATE);
  dds_waitset_attach(ws, rc, 0);
  double end = now_ms() + timeout_ms;
  int got = 0;
  while (!got && now_ms() < end) {
    void *ptrs[1] = {sample};
    dds_sample_info_t si;
    dds_return_t n = dds_take(r, ptrs, &si, 1, 1);
    if (n > 0 && si.valid_data) got = 1;
    else if (n <= 0) dds_waitset_wait(ws, NULL, 0, DDS_MSECS((int64_t)(end - now_ms()) + 1));
  }
  dds_delete(rc);
  dds_delete(ws);
  return got;
}

static void speech_fill(claudia_llm_msg_dds__SpeechText_ *m) {
  m->stamp.sec = (int32_t)opt_ll("stamp-sec", 0);
  m->stamp.nanosec = (uint32_t)opt_ll("stamp-nanosec", 0);
  m->utterance_id = (char *)opt("utterance-id", "");
  m->text = (char *)opt("text", "");
  m->language = (char *)opt("lang", "");
  m->confidence = (float)opt_d("confidence", -1.0);
  m->is_final = opt_ll("final", 1) != 0;
  m->source = (char *)opt("source", "peer");
}

static void print_request(const unitree_api_msg_dds__Request_ *r) {
  printf("{\"kind\":\"request\",\"id\":\"%" PRId64 "\",\"api_id\":%" PRId64 ",\"lease\":%" PRId64 ",\"priority\":%d,\"noreply\":%s,\"parameter\":",
         r->header.identity.id, r->header.identity.api_id, r->header.lease.id, r->header.policy.priority, r->header.policy.noreply ? "true" : "false");
  json_str(stdout, r->parameter);
  printf(",\"binary_len\":%u}\n", r->binary._length);
  fflush(stdout);
}

static int mode_go2(dds_entity_t pp) {
  const char *which = opt("speech-topic", "speech");
  int is_string = strcmp(which, "speech_text") == 0;
  char name[256];
  snprintf(name, sizeof name, "rt%s/%s", opt("ns", "/claudia"), which);
  dds_entity_t st = make_topic(pp, is_string ? &std_msgs_msg_dds__String__desc : &claudia_llm_msg_dds__SpeechText__desc, name);
  dds_entity_t sw = make_writer(pp, st);
  dds_entity_t rq = make_reader(pp, make_topic(pp, &unitree_api_msg_dds__Request__desc, "rt/api/sport/request"));
  dds_entity_t rs = make_writer(pp, make_topic(pp, &unitree_api_msg_dds__Response__desc, "rt/api/sport/response"));
  double timeout = opt_d("timeout-ms", 8000);
  if (wait_matched_writer(sw, timeout) != 0) { printf("{\"kind\":\"error\",\"error\":\"speech reader not matched\"}\n"); return 3; }
  if (wait_matched_reader(rq, timeout) != 0) { printf("{\"kind\":\"error\",\"error\":\"request writer not matched\"}\n"); return 3; }
  dds_sleepfor(DDS_MSECS(opt_ll("settle-ms", 50)));
  if (is_string) {
    std_msgs_msg_dds__String_ m = {(char *)opt("text", "")};
    dds_write(sw, &m);
  } else {
    claudia_llm_msg_dds__SpeechText_ m;
    speech_fill(&m);
    dds_write(sw, &m);
  }
  printf("{\"kind\":\"published\"}\n");
  fflush(stdout);
  long long expect = opt_ll("expect", 1);
  int code = (int)opt_ll("code", 0);
  long long got = 0;
  double end = now_ms() + timeout;
  while (got < expect && now_ms() < end) {
    unitree_api_msg_dds__Request_ r;
    memset(&r, 0, sizeof r);
    if (!take_one(rq, &r, end - now_ms())) break;
    print_request(&r);
    got++;
    if (!r.header.policy.noreply) {
      unitree_api_msg_dds__Response_ resp;
      memset(&resp, 0, sizeof resp);
      resp.header.identity = r.header.identity;
      resp.header.status.code = code;
      resp.data = "";
      dds_write(rs, &resp);
    }
    dds_sample_free(&r, &unitree_api_msg_dds__Request__desc, DDS_FREE_CONTENTS);
  }
  dds_sleepfor(DDS_MSECS(100)); /* let the responses go out before the participant is deleted */
  return got >= expect ? 0 : 3;
}

static void print_actions(const dds_sequence_claudia_llm_msg_dds__RobotAction_ *a) {
  printf("[");
  for (uint32_t i = 0; i < a->_length; i++) {
    const claudia_llm_msg_dds__RobotAction_ *x = &a->_buffer[i];
    printf("%s{\"name\":", i ? "," : "");
    json_str(stdout, x->name);
    printf(",\"api_id\":%" PRId64 ",\"parameter\":", x->api_id);
    json_str(stdout, x->parameter);
    printf(",\"verdict\":");
    json_str(stdout, x->verdict);
    printf("}");
  }
  printf("]");
}

static int mode_call(dds_entity_t pp) {
  const char *svc = opt("service", "/claudia/llm_query");
  char rqname[256], rrname[256];
  snprintf(rqname, sizeof rqname, "rq%sRequest", svc);
  snprintf(rrname, sizeof rrname, "rr%sReply", svc);
  dds_entity_t w = make_writer(pp, make_topic(pp, &claudia_llm_srv_dds__LlmQuery_Request__desc, rqname));
  dds_entity_t r = make_reader(pp, make_topic(pp, &claudia_llm_srv_dds__LlmQuery_Response__desc, rrname));
  double timeout = opt_d("timeout-ms", 8000);
  if (wait_matched_writer(w, timeout) != 0 || wait_matched_reader(r, timeout) != 0) {
    printf("{\"kind\":\"error\",\"error\":\"service not matched\"}\n");
    return 3;
  }
  dds_sleepfor(DDS_MSECS(opt_ll("settle-ms", 50)));
  claudia_llm_srv_dds__LlmQuery_Request_ q;
  q.header.client_guid = opt_ull("guid", 0x8a042bf08d67254full);
  q.header.sequence_number = opt_ll("seq", 1);
  q.text = (char *)opt("text", "");
  q.language = (char *)opt("lang", "");
  q.prompt_type = (char *)opt("prompt-type", "");
  q.session_id = (char *)opt("session", "");
  q.priority = (uint8_t)opt_ll("priority", 0);
  q.dry_run = opt_ll("dry-run", 0) != 0;
  q.timeout_s = (float)opt_d("timeout-s", 0);
  dds_write(w, &q);
  double end = now_ms() + timeout;
  while (now_ms() < end) {
    claudia_llm_srv_dds__LlmQuery_Response_ a;
    memset(&a, 0, sizeof a);
    if (!take_one(r, &a, end - now_ms())) break;
    /* As rmw_cyclonedds: only the reply carrying our guid and sequence number is ours. */
    if (a.header.client_guid == q.header.client_guid && a.header.sequence_number == q.header.sequence_number) {
      printf("{\"kind\":\"reply\",\"guid\":\"0x%016" PRIx64 "\",\"seq\":%" PRId64 ",\"success\":%s,\"reply\":", a.header.client_guid, a.header.sequence_number, a.success ? "true" : "false");
      json_str(stdout, a.reply);
      printf(",\"language\":");
      json_str(stdout, a.language);
      printf(",\"source\":");
      json_str(stdout, a.source);
      printf(",\"error\":");
      json_str(stdout, a.error);
      printf(",\"latency_ms\":%g,\"actions\":", a.latency_ms);
      print_actions(&a.actions);
      printf("}\n");
      fflush(stdout);
      dds_sample_free(&a, &claudia_llm_srv_dds__LlmQuery_Response__desc, DDS_FREE_CONTENTS);
      return 0;
    }
    printf("{\"kind\":\"foreign_reply\",\"seq\":%" PRId64 "}\n", a.header.sequence_number);
    dds_sample_free(&a, &claudia_llm_srv_dds__LlmQuery_Response__desc, DDS_FREE_CONTENTS);
  }
  printf("{\"kind\":\"error\",\"error\":\"no reply\"}\n");
  return 3;
}

static int mode_echo(dds_entity_t pp, int republish) {
  dds_entity_t r = make_reader(pp, make_topic(pp, &std_msgs_msg_dds__String__desc, opt("in", "rt/claudia/echo_in")));
  dds_entity_t w = republish ? make_writer(pp, make_topic(pp, &std_msgs_msg_dds__String__desc, opt("out", "rt/claudia/echo_out"))) : 0;
  double timeout = opt_d("timeout-ms", 8000);
  if (wait_matched_reader(r, timeout) != 0 || (republish && wait_matched_writer(w, timeout) != 0)) {
    printf("{\"kind\":\"error\",\"error\":\"not matched\"}\n");
    return 3;
  }
  printf("{\"kind\":\"ready\"}\n");
  fflush(stdout);
  long long count = opt_ll("count", 1), got = 0, bytes = 0;
  double end = now_ms() + timeout, first = 0, last = 0;
  while (got < count && now_ms() < end) {
    std_msgs_msg_dds__String_ m;
    memset(&m, 0, sizeof m);
    if (!take_one(r, &m, end - now_ms())) break;
    if (!got) first = now_ms();
    last = now_ms();
    got++;
    bytes += (long long)strlen(m.data);
    if (republish) {
      dds_write(w, &m);
      printf("{\"kind\":\"echoed\",\"bytes\":%zu}\n", strlen(m.data));
      fflush(stdout);
    }
    dds_sample_free(&m, &std_msgs_msg_dds__String__desc, DDS_FREE_CONTENTS);
  }
  if (republish) dds_sleepfor(DDS_MSECS(200));
  printf("{\"kind\":\"done\",\"count\":%lld,\"bytes\":%lld,\"span_ms\":%.3f}\n", got, bytes, last - first);
  return got >= count ? 0 : 3;
}

static int mode_reflex_bench(dds_entity_t pp) {
  dds_entity_t sw = make_writer(pp, make_topic(pp, &claudia_llm_msg_dds__SpeechText__desc, "rt/claudia/speech"));
  dds_entity_t rq = make_reader(pp, make_topic(pp, &unitree_api_msg_dds__Request__desc, "rt/api/sport/request"));
  double timeout = opt_d("timeout-ms", 8000);
  if (wait_matched_writer(sw, timeout) != 0 || wait_matched_reader(rq, timeout) != 0) {
    printf("{\"kind\":\"error\",\"error\":\"not matched\"}\n");
    return 3;
  }
  dds_sleepfor(DDS_MSECS(100));
  long long n = opt_ll("n", 50), ok = 0, warmup = opt_ll("warmup", 5);
  printf("{\"kind\":\"latencies\",\"ms\":[");
  /* The first rounds (not printed) warm up both sides: first-sample allocations, JIT. */
  for (long long i = -warmup; i < n; i++) {
    claudia_llm_msg_dds__SpeechText_ m;
    speech_fill(&m);
    char uid[64];
    snprintf(uid, sizeof uid, "bench-%lld", i + warmup);
    m.utterance_id = uid;
    double t0 = now_ms();
    dds_write(sw, &m);
    unitree_api_msg_dds__Request_ r;
    memset(&r, 0, sizeof r);
    if (!take_one(rq, &r, opt_d("per-ms", 2000))) break;
    if (i >= 0) {
      printf("%s%.4f", ok ? "," : "", now_ms() - t0);
      ok++;
    }
    dds_sample_free(&r, &unitree_api_msg_dds__Request__desc, DDS_FREE_CONTENTS);
    /* drain any extra requests (e.g. an inserted StandUp) before the next round */
    dds_sleepfor(DDS_MSECS(opt_ll("gap-ms", 20)));
    void *ptrs[8] = {0};
    dds_sample_info_t si[8];
    int k = dds_take(rq, ptrs, si, 8, 8);
    if (k > 0) dds_return_loan(rq, ptrs, k);
  }
  printf("],\"n\":%lld}\n", ok);
  return ok == n ? 0 : 3;
}

static void print_hex(const uint8_t *b, int n) {
  putchar('"');
  for (int i = 0; i < n; i++) printf("%02x", b[i]);
  putchar('"');
}

static dds_entity_t make_reader_qos(dds_entity_t pp, dds_entity_t t, int transient_local, int depth) {
  dds_qos_t *q = dds_create_qos();
  dds_qset_reliability(q, DDS_RELIABILITY_RELIABLE, DDS_SECS(1));
  dds_qset_durability(q, transient_local ? DDS_DURABILITY_TRANSIENT_LOCAL : DDS_DURABILITY_VOLATILE);
  dds_qset_history(q, DDS_HISTORY_KEEP_LAST, depth);
  dds_entity_t r = dds_create_reader(pp, t, q, NULL);
  dds_delete_qos(q);
  if (r < 0) die("create reader", r);
  return r;
}

/* The action client's entities: three services (request writer + reply reader) and two topics. */
struct action_client {
  dds_entity_t goal_w, goal_r, result_w, result_r, cancel_w, cancel_r, feedback_r, status_r, robot_r, robot_w, ws;
  uint64_t guid_goal, guid_result, guid_cancel;
  int64_t seq; /* one counter for the process, as rmw_cyclonedds' rmw_send_request */
};

static void action_open(dds_entity_t pp, struct action_client *c) {
  const char *a = opt("action", "/claudia/command");
  char n[512];
#define NAME(fmt) (snprintf(n, sizeof n, fmt, a), n)
  c->goal_w = make_writer(pp, make_topic(pp, &claudia_llm_action_dds__Command_SendGoal_Request__desc, NAME("rq%s/_action/send_goalRequest")));
  c->goal_r = make_reader(pp, make_topic(pp, &claudia_llm_action_dds__Command_SendGoal_Response__desc, NAME("rr%s/_action/send_goalReply")));
  c->result_w = make_writer(pp, make_topic(pp, &claudia_llm_action_dds__Command_GetResult_Request__desc, NAME("rq%s/_action/get_resultRequest")));
  c->result_r = make_reader(pp, make_topic(pp, &claudia_llm_action_dds__Command_GetResult_Response__desc, NAME("rr%s/_action/get_resultReply")));
  c->cancel_w = make_writer(pp, make_topic(pp, &action_msgs_srv_dds__CancelGoal_Request__desc, NAME("rq%s/_action/cancel_goalRequest")));
  c->cancel_r = make_reader(pp, make_topic(pp, &action_msgs_srv_dds__CancelGoal_Response__desc, NAME("rr%s/_action/cancel_goalReply")));
  c->feedback_r = make_reader(pp, make_topic(pp, &claudia_llm_action_dds__Command_FeedbackMessage__desc, NAME("rt%s/_action/feedback")));
  c->status_r = make_reader_qos(pp, make_topic(pp, &action_msgs_msg_dds__GoalStatusArray__desc, NAME("rt%s/_action/status")), 1, 1);
#undef NAME
  c->robot_r = make_reader(pp, make_topic(pp, &unitree_api_msg_dds__Request__desc, "rt/api/sport/request"));
  c->robot_w = make_writer(pp, make_topic(pp, &unitree_api_msg_dds__Response__desc, "rt/api/sport/response"));
  /* The request writers' instance handles stand for their GUIDs, as rmw_cyclonedds uses them. */
  dds_get_instance_handle(c->goal_w, &c->guid_goal);
  dds_get_instance_handle(c->result_w, &c->guid_result);
  dds_get_instance_handle(c->cancel_w, &c->guid_cancel);
  c->seq = 0;
  c->ws = dds_create_waitset(pp);
  dds_entity_t readers[] = {c->goal_r, c->result_r, c->cancel_r, c->feedback_r, c->status_r, c->robot_r};
  for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) dds_waitset_attach(c->ws, dds_create_readcondition(readers[i], DDS_ANY_STATE), 0);
}

static int action_matched(struct action_client *c, double timeout) {
  return wait_matched_writer(c->goal_w, timeout) || wait_matched_reader(c->goal_r, timeout) || wait_matched_writer(c->result_w, timeout) ||
         wait_matched_reader(c->result_r, timeout) || wait_matched_writer(c->cancel_w, timeout) || wait_matched_reader(c->cancel_r, timeout) ||
         wait_matched_reader(c->feedback_r, timeout);
}

static void new_goal_id(uint8_t id[16], long long k) {
  for (int i = 0; i < 16; i++) id[i] = (uint8_t)(rand() & 0xff);
  id[6] = (uint8_t)((id[6] & 0x0f) | 0x40); /* uuid4, as rclpy */
  id[8] = (uint8_t)((id[8] & 0x3f) | 0x80);
  id[15] = (uint8_t)k;
}

/* Answers the node's sport requests as the robot would (Move has noreply), optionally printing them. */
static int serve_robot(struct action_client *c, int print, long long cancel_api) {
  int hit = 0;
  for (;;) {
    unitree_api_msg_dds__Request_ r;
    memset(&r, 0, sizeof r);
    void *ptrs[1] = {&r};
    dds_sample_info_t si;
    if (dds_take(c->robot_r, ptrs, &si, 1, 1) <= 0) break;
    if (!si.valid_data) continue;
    if (print) print_request(&r);
    if (cancel_api >= 0 && r.header.identity.api_id == cancel_api) hit = 1;
    if (!r.header.policy.noreply) {
      unitree_api_msg_dds__Response_ resp;
      memset(&resp, 0, sizeof resp);
      resp.header.identity = r.header.identity;
      resp.header.status.code = (int32_t)opt_ll("code", 0);
      resp.data = "";
      dds_write(c->robot_w, &resp);
    }
    dds_sample_free(&r, &unitree_api_msg_dds__Request__desc, DDS_FREE_CONTENTS);
  }
  return hit;
}

/* One goal from send_goal to the result. quiet: only measure (the benchmark). Returns 0 on a result. */
static int action_goal(struct action_client *c, long long k, int quiet, double *first_feedback_ms) {
  double timeout = opt_d("timeout-ms", 15000);
  const char *cancel_stage = opt("cancel-on-stage", NULL);
  long long cancel_api = opt_ll("cancel-on-api", -1);
  claudia_llm_action_dds__Command_SendGoal_Request_ g;
  memset(&g, 0, sizeof g);
  g.header.client_guid = c->guid_goal;
  g.header.sequence_number = ++c->seq;
  new_goal_id(g.goal_id.uuid, k);
  char uid[128];
  snprintf(uid, sizeof uid, "%s%s%lld", opt("utterance-id", ""), k >= 0 ? "-" : "", k);
  g.goal.text = (char *)opt("text", "");
  g.goal.language = (char *)opt("lang", "");
  g.goal.prompt_type = (char *)opt("prompt-type", "");
  g.goal.session_id = (char *)opt("session", "");
  g.goal.utterance_id = k >= 0 ? uid : (char *)opt("utterance-id", "");
  g.goal.confidence = (float)opt_d("confidence", -1.0);
  g.goal.priority = (uint8_t)opt_ll("priority", 0);
  g.goal.dry_run = opt_ll("dry-run", 0) != 0;
  g.goal.timeout_s = (float)opt_d("timeout-s", 0);
  dds_write(c->goal_w, &g);
  double end = now_ms() + timeout, replied_at = -1, first_feedback_at = -1;
  int accepted = -1, asked_result = 0, canceled = 0, done = 0, got_feedback = 0, got_end_status = 0, got_cancel_reply = 0;
  double done_at = 0;
  /* The result, the feedback, this goal's terminal status and the cancel reply travel on different
   * topics, with no order between them: after the result, wait a little for any not seen yet. */
#define SETTLED (got_feedback && got_end_status && (canceled != 1 || got_cancel_reply))
  while (now_ms() < end && !(done && (SETTLED || now_ms() > done_at + 500))) {
    dds_waitset_wait(c->ws, NULL, 0, DDS_MSECS((int64_t)((done ? done_at + 500 : end) - now_ms()) + 1));
    if (serve_robot(c, !quiet, cancel_api) && !canceled) canceled = 2;
    void *ptrs[1];
    dds_sample_info_t si;
    claudia_llm_action_dds__Command_SendGoal_Response_ gr;
    memset(&gr, 0, sizeof gr);
    ptrs[0] = &gr;
    while (accepted < 0 && dds_take(c->goal_r, ptrs, &si, 1, 1) > 0) {
      if (!si.valid_data || gr.header.client_guid != c->guid_goal || gr.header.sequence_number != g.header.sequence_number) continue;
      replied_at = now_ms();
      accepted = gr.accepted;
      if (!quiet) {
        printf("{\"kind\":\"send_goal_reply\",\"guid\":\"0x%016" PRIx64 "\",\"seq\":%" PRId64 ",\"accepted\":%s,\"stamp_sec\":%d,\"stamp_nanosec\":%u,\"goal_id\":",
               gr.header.client_guid, gr.header.sequence_number, gr.accepted ? "true" : "false", gr.stamp.sec, gr.stamp.nanosec);
        print_hex(g.goal_id.uuid, 16);
        printf("}\n");
        fflush(stdout);
      }
      if (!accepted) return 4;
    }
    if (accepted == 1 && !asked_result) {
      claudia_llm_action_dds__Command_GetResult_Request_ q;
      q.header.client_guid = c->guid_result;
      q.header.sequence_number = ++c->seq;
      memcpy(q.goal_id.uuid, g.goal_id.uuid, 16);
      dds_write(c->result_w, &q);
      asked_result = 1;
    }
    claudia_llm_action_dds__Command_FeedbackMessage_ f;
    memset(&f, 0, sizeof f);
    ptrs[0] = &f;
    while (dds_take(c->feedback_r, ptrs, &si, 1, 1) > 0) {
      if (si.valid_data && memcmp(f.goal_id.uuid, g.goal_id.uuid, 16) == 0) {
        if (!got_feedback) first_feedback_at = now_ms();
        got_feedback = 1;
        if (!quiet) {
          printf("{\"kind\":\"feedback\",\"stage\":");
          json_str(stdout, f.feedback.stage);
          printf(",\"reply\":");
          json_str(stdout, f.feedback.reply);
          printf(",\"actions\":");
          print_actions(&f.feedback.actions);
          printf("}\n");
          fflush(stdout);
        }
        if (cancel_stage && !canceled && strcmp(f.feedback.stage, cancel_stage) == 0) canceled = 2;
      }
      dds_sample_free(&f, &claudia_llm_action_dds__Command_FeedbackMessage__desc, DDS_FREE_CONTENTS);
      memset(&f, 0, sizeof f);
    }
    if (canceled == 2) {
      action_msgs_srv_dds__CancelGoal_Request_ cq;
      memset(&cq, 0, sizeof cq);
      cq.header.client_guid = c->guid_cancel;
      cq.header.sequence_number = ++c->seq;
      memcpy(cq.goal_info.goal_id.uuid, g.goal_id.uuid, 16); /* stamp 0: just this goal */
      dds_write(c->cancel_w, &cq);
      canceled = 1;
    }
    action_msgs_msg_dds__GoalStatusArray_ st;
    memset(&st, 0, sizeof st);
    ptrs[0] = &st;
    while (dds_take(c->status_r, ptrs, &si, 1, 1) > 0) {
      if (si.valid_data && !quiet) {
        printf("{\"kind\":\"status\",\"goals\":[");
        for (uint32_t i = 0; i < st.status_list._length; i++) {
          const action_msgs_msg_dds__GoalStatus_ *x = &st.status_list._buffer[i];
          printf("%s{\"id\":", i ? "," : "");
          print_hex(x->goal_info.goal_id.uuid, 16);
          printf(",\"status\":%d,\"stamp_sec\":%d}", x->status, x->goal_info.stamp.sec);
        }
        printf("]}\n");
        fflush(stdout);
      }
      /* SUCCEEDED 4, CANCELED 5, ABORTED 6: this goal's last status. */
      for (uint32_t i = 0; si.valid_data && i < st.status_list._length; i++) {
        const action_msgs_msg_dds__GoalStatus_ *x = &st.status_list._buffer[i];
        if (memcmp(x->goal_info.goal_id.uuid, g.goal_id.uuid, 16) == 0 && x->status >= 4) got_end_status = 1;
      }
      dds_sample_free(&st, &action_msgs_msg_dds__GoalStatusArray__desc, DDS_FREE_CONTENTS);
      memset(&st, 0, sizeof st);
    }
    action_msgs_srv_dds__CancelGoal_Response_ cr;
    memset(&cr, 0, sizeof cr);
    ptrs[0] = &cr;
    while (dds_take(c->cancel_r, ptrs, &si, 1, 1) > 0) {
      if (si.valid_data && cr.header.client_guid == c->guid_cancel) got_cancel_reply = 1;
      if (si.valid_data && cr.header.client_guid == c->guid_cancel && !quiet) {
        printf("{\"kind\":\"cancel_reply\",\"seq\":%" PRId64 ",\"return_code\":%d,\"goals_canceling\":[", cr.header.sequence_number, cr.return_code);
        for (uint32_t i = 0; i < cr.goals_canceling._length; i++) {
          if (i) putchar(',');
          print_hex(cr.goals_canceling._buffer[i].goal_id.uuid, 16);
        }
        printf("]}\n");
        fflush(stdout);
      }
      dds_sample_free(&cr, &action_msgs_srv_dds__CancelGoal_Response__desc, DDS_FREE_CONTENTS);
      memset(&cr, 0, sizeof cr);
    }
    claudia_llm_action_dds__Command_GetResult_Response_ rr;
    memset(&rr, 0, sizeof rr);
    ptrs[0] = &rr;
    while (!done && dds_take(c->result_r, ptrs, &si, 1, 1) > 0) {
      if (si.valid_data && rr.header.client_guid == c->guid_result) {
        done = 1;
        done_at = now_ms();
        if (!quiet) {
          printf("{\"kind\":\"result\",\"seq\":%" PRId64 ",\"status\":%d,\"success\":%s,\"reply\":", rr.header.sequence_number, rr.status, rr.result.success ? "true" : "false");
          json_str(stdout, rr.result.reply);
          printf(",\"language\":");
          json_str(stdout, rr.result.language);
          printf(",\"source\":");
          json_str(stdout, rr.result.source);
          printf(",\"error\":");
          json_str(stdout, rr.result.error);
          printf(",\"latency_ms\":%g,\"first_effect_ms\":%g,\"actions\":", rr.result.latency_ms, rr.result.first_effect_ms);
          print_actions(&rr.result.actions);
          printf("}\n");
          fflush(stdout);
        }
      }
      dds_sample_free(&rr, &claudia_llm_action_dds__Command_GetResult_Response__desc, DDS_FREE_CONTENTS);
      memset(&rr, 0, sizeof rr);
    }
  }
#undef SETTLED
  /* Feedback and the send_goal reply travel on different topics; when the feedback came first the wait was 0. */
  if (first_feedback_ms && got_feedback && replied_at >= 0) *first_feedback_ms = first_feedback_at > replied_at ? first_feedback_at - replied_at : 0;
  /* Late robot requests (the StopMove after a cancel) still get their answer and are printed. */
  for (double until = now_ms() + opt_d("linger-ms", quiet ? 0 : 150); now_ms() < until;) {
    serve_robot(c, !quiet, -1);
    dds_sleepfor(DDS_MSECS(5));
  }
  return done ? 0 : 3;
}

#define GRAPH_MAX 512
struct endpoint { uint8_t guid[16]; char *topic; char *type; int writer; };

static int collect_endpoints(dds_entity_t r, int writer, struct endpoint *eps, int n) {
  for (;;) {
    void *ptrs[1] = {NULL};
    dds_sample_info_t si;
    if (dds_take(r, ptrs, &si, 1, 1) <= 0) break;
    dds_builtintopic_endpoint_t *e = ptrs[0];
    if (si.valid_data && n < GRAPH_MAX) {
      memcpy(eps[n].guid, e->key.v, 16);
      eps[n].topic = strdup(e->topic_name);
      eps[n].type = strdup(e->type_name);
      eps[n].writer = writer;
      n++;
    }
    dds_return_loan(r, ptrs, 1);
  }
  return n;
}

static int mode_graph(dds_entity_t pp) {
  const char *node = opt("node", "claudia_llm"), *ns = opt("ns", "/claudia");
  dds_entity_t info_r = make_reader_qos(pp, make_topic(pp, &rmw_dds_common_msg_dds__ParticipantEntitiesInfo__desc, "ros_discovery_info"), 1, 100);
  dds_entity_t pubs = dds_create_reader(pp, DDS_BUILTIN_TOPIC_DCPSPUBLICATION, NULL, NULL);
  dds_entity_t subs = dds_create_reader(pp, DDS_BUILTIN_TOPIC_DCPSSUBSCRIPTION, NULL, NULL);
  static struct endpoint eps[GRAPH_MAX];
  static uint8_t mine[GRAPH_MAX][16];
  static int mine_writer[GRAPH_MAX];
  int n_eps = 0, n_mine = 0, found = 0;
  long long expect = opt_ll("expect", 1);
  double end = now_ms() + opt_d("timeout-ms", 8000);
  while (now_ms() < end) {
    n_eps = collect_endpoints(pubs, 1, eps, n_eps);
    n_eps = collect_endpoints(subs, 0, eps, n_eps);
    rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ m;
    memset(&m, 0, sizeof m);
    void *ptrs[1] = {&m};
    dds_sample_info_t si;
    while (dds_take(info_r, ptrs, &si, 1, 1) > 0) {
      if (si.valid_data) {
        for (uint32_t i = 0; i < m.node_entities_info_seq._length; i++) {
          const rmw_dds_common_msg_dds__NodeEntitiesInfo_ *x = &m.node_entities_info_seq._buffer[i];
          if (strcmp(x->node_name, node) != 0 || strcmp(x->node_namespace, ns) != 0) continue;
          /* The latest announcement of the node replaces the earlier ones. */
          n_mine = 0;
          for (uint32_t k = 0; k < x->reader_gid_seq._length && n_mine < GRAPH_MAX; k++, n_mine++) {
            memcpy(mine[n_mine], x->reader_gid_seq._buffer[k].data, 16);
            mine_writer[n_mine] = 0;
          }
          for (uint32_t k = 0; k < x->writer_gid_seq._length && n_mine < GRAPH_MAX; k++, n_mine++) {
            memcpy(mine[n_mine], x->writer_gid_seq._buffer[k].data, 16);
            mine_writer[n_mine] = 1;
          }
        }
      }
      dds_sample_free(&m, &rmw_dds_common_msg_dds__ParticipantEntitiesInfo__desc, DDS_FREE_CONTENTS);
      memset(&m, 0, sizeof m);
    }
    found = 0;
    for (int i = 0; i < n_mine; i++)
      for (int j = 0; j < n_eps; j++)
        if (memcmp(mine[i], eps[j].guid, 16) == 0 && mine_writer[i] == eps[j].writer) { found++; break; }
    if (n_mine > 0 && found >= expect && found == n_mine) break;
    dds_sleepfor(DDS_MSECS(20));
  }
  printf("{\"kind\":\"graph\",\"node\":");
  json_str(stdout, node);
  printf(",\"gids\":%d,\"endpoints\":[", n_mine);
  int first = 1;
  for (int i = 0; i < n_mine; i++)
    for (int j = 0; j < n_eps; j++)
      if (memcmp(mine[i], eps[j].guid, 16) == 0 && mine_writer[i] == eps[j].writer) {
        printf("%s{\"kind\":\"%s\",\"topic\":", first ? "" : ",", eps[j].writer ? "writer" : "reader");
        json_str(stdout, eps[j].topic);
        printf(",\"type\":");
        json_str(stdout, eps[j].type);
        printf("}");
        first = 0;
        break;
      }
  printf("]}\n");
  return found >= expect ? 0 : 3;
}

static int mode_action(dds_entity_t pp) {
  struct action_client c;
  action_open(pp, &c);
  srand((unsigned)(time(NULL) ^ (getpid() << 8)));
  if (action_matched(&c, opt_d("timeout-ms", 15000)) != 0) {
    printf("{\"kind\":\"error\",\"error\":\"action not matched\"}\n");
    return 3;
  }
  dds_sleepfor(DDS_MSECS(opt_ll("settle-ms", 100)));
  long long n = opt_ll("n", 0);
  if (n <= 0) return action_goal(&c, -1, 0, NULL);
  long long warmup = opt_ll("warmup", 3), ok = 0;
  printf("{\"kind\":\"latencies\",\"ms\":[");
  for (long long i = -warmup; i < n; i++) {
    double ms = -1;
    if (action_goal(&c, i + warmup, 1, &ms) != 0 || ms < 0) break;
    if (i >= 0) {
      printf("%s%.4f", ok ? "," : "", ms);
      ok++;
    }
    dds_sleepfor(DDS_MSECS(opt_ll("gap-ms", 5)));
  }
  printf("],\"n\":%lld}\n", ok);
  return ok == n ? 0 : 3;
}

int main(int argc, char **argv) {
  g_argc = argc;
  g_argv = argv;
  if (argc < 2) {
    fprintf(stderr, "usage: claudia_peer go2|call|echo|sink|reflex-bench|action|graph [--key value ...]\n");
    return 2;
  }
  const char *dom = getenv("ROS_DOMAIN_ID");
  dds_domainid_t domain = (dds_domainid_t)opt_ll("domain", dom ? strtol(dom, NULL, 10) : 0);
  dds_entity_t pp = dds_create_participant(domain, NULL, NULL);
  if (pp < 0) die("create participant", pp);
  int rc;
  if (strcmp(argv[1], "go2") == 0) rc = mode_go2(pp);
  else if (strcmp(argv[1], "call") == 0) rc = mode_call(pp);
  else if (strcmp(argv[1], "echo") == 0) rc = mode_echo(pp, 1);
  else if (strcmp(argv[1], "sink") == 0) rc = mode_echo(pp, 0);
  else if (strcmp(argv[1], "reflex-bench") == 0) rc = mode_reflex_bench(pp);
  else if (strcmp(argv[1], "action") == 0) rc = mode_action(pp);
  else if (strcmp(argv[1], "graph") == 0) rc = mode_graph(pp);
  else {
    fprintf(stderr, "claudia_peer: unknown mode %s\n", argv[1]);
    rc = 2;
  }
  dds_delete(pp);
  return rc;
}
