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
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
      printf(",\"latency_ms\":%g,\"actions\":[", a.latency_ms);
      for (uint32_t i = 0; i < a.actions._length; i++) {
        const claudia_llm_msg_dds__RobotAction_ *x = &a.actions._buffer[i];
        printf("%s{\"name\":", i ? "," : "");
        json_str(stdout, x->name);
        printf(",\"api_id\":%" PRId64 ",\"parameter\":", x->api_id);
        json_str(stdout, x->parameter);
        printf(",\"verdict\":");
        json_str(stdout, x->verdict);
        printf("}");
      }
      printf("]}\n");
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

int main(int argc, char **argv) {
  g_argc = argc;
  g_argv = argv;
  if (argc < 2) {
    fprintf(stderr, "usage: claudia_peer go2|call|echo|sink|reflex-bench [--key value ...]\n");
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
  else {
    fprintf(stderr, "claudia_peer: unknown mode %s\n", argv[1]);
    rc = 2;
  }
  dds_delete(pp);
  return rc;
}
