// claudia_dds: a small N-API addon over Cyclone DDS (0.10.x) that moves raw CDR bytes for any
// topic and type name. Encoding/decoding lives in TypeScript (src/cdr); this file only owns
// DDS entities, QoS and the hand-off of received samples to the JS thread.
#include <napi.h>

#include <atomic>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "raw-sertype.h"

extern "C" {
#include "dds/version.h"
}

namespace {

struct Sample {
  std::vector<uint8_t> bytes;
  int64_t source_timestamp;
};

struct ReaderCtx {
  dds_entity_t reader = 0;
  Napi::ThreadSafeFunction tsfn;
  std::atomic<bool> closing{false};
};

void ThrowDds(Napi::Env env, const char *what, dds_return_t rc) {
  throw Napi::Error::New(env, std::string(what) + " failed: " + dds_strretcode(rc) + " (" + std::to_string(rc) + ")");
}

// Cyclone's listener thread: take everything available and hand one batch to JS.
void OnDataAvailable(dds_entity_t rd, void *arg) {
  auto *ctx = static_cast<ReaderCtx *>(arg);
  if (ctx->closing.load()) return;
  auto batch = std::make_unique<std::vector<Sample>>();
  constexpr uint32_t kMax = 32;
  struct ddsi_serdata *buf[kMax];
  dds_sample_info_t si[kMax];
  // Bounded: at most 64 rounds per callback; Cyclone calls again while data remains.
  for (int round = 0; round < 64; round++) {
    dds_return_t n = dds_takecdr(rd, buf, kMax, si, DDS_ANY_STATE);
    if (n <= 0) break;
    for (int i = 0; i < n; i++) {
      if (si[i].valid_data) {
        Sample s;
        uint32_t size = ddsi_serdata_size(buf[i]);
        s.bytes.resize(size);
        if (size) ddsi_serdata_to_ser(buf[i], 0, size, s.bytes.data());
        s.source_timestamp = si[i].source_timestamp;
        batch->push_back(std::move(s));
      }
      ddsi_serdata_unref(buf[i]);
    }
    if (static_cast<uint32_t>(n) < kMax) break;
  }
  if (batch->empty()) return;
  auto *raw = batch.release();
  napi_status st = ctx->tsfn.NonBlockingCall(raw, [](Napi::Env env, Napi::Function cb, std::vector<Sample> *b) {
    std::unique_ptr<std::vector<Sample>> owned(b);
    if (env == nullptr || cb.IsEmpty()) return;
    Napi::Array arr = Napi::Array::New(env, owned->size());
    for (size_t i = 0; i < owned->size(); i++) {
      auto *bytes = new std::vector<uint8_t>(std::move((*owned)[i].bytes));
      Napi::Object item = Napi::Object::New(env);
      item.Set("data", Napi::Buffer<uint8_t>::New(env, bytes->data(), bytes->size(), [](Napi::Env, uint8_t *, std::vector<uint8_t> *v) { delete v; }, bytes));
      item.Set("sourceTimestamp", Napi::Number::New(env, static_cast<double>((*owned)[i].source_timestamp)));
      arr.Set(static_cast<uint32_t>(i), item);
    }
    cb.Call({arr});
  });
  if (st != napi_ok) delete raw;
}

dds_qos_t *MakeQos(const Napi::Object &o) {
  dds_qos_t *q = dds_create_qos();
  bool reliable = !o.Has("reliable") || o.Get("reliable").ToBoolean().Value();
  bool transientLocal = o.Has("transientLocal") && o.Get("transientLocal").ToBoolean().Value();
  int32_t depth = o.Has("depth") ? o.Get("depth").ToNumber().Int32Value() : 10;
  dds_qset_reliability(q, reliable ? DDS_RELIABILITY_RELIABLE : DDS_RELIABILITY_BEST_EFFORT, DDS_SECS(1));
  dds_qset_durability(q, transientLocal ? DDS_DURABILITY_TRANSIENT_LOCAL : DDS_DURABILITY_VOLATILE);
  if (depth > 0) dds_qset_history(q, DDS_HISTORY_KEEP_LAST, depth);
  else dds_qset_history(q, DDS_HISTORY_KEEP_ALL, DDS_LENGTH_UNLIMITED);
  // As rmw_cyclonedds: no auto-dispose, plain XCDR1 representation.
  dds_qset_writer_data_lifecycle(q, false);
  dds_data_representation_id_t rep[] = {DDS_DATA_REPRESENTATION_XCDR1};
  dds_qset_data_representation(q, 1, rep);
  return q;
}

class DdsAddon : public Napi::Addon<DdsAddon> {
 public:
  DdsAddon(Napi::Env env, Napi::Object exports) {
    DefineAddon(exports, {
      InstanceMethod("version", &DdsAddon::Version),
      InstanceMethod("createParticipant", &DdsAddon::CreateParticipant),
      InstanceMethod("createTopic", &DdsAddon::CreateTopic),
      InstanceMethod("createWriter", &DdsAddon::CreateWriter),
      InstanceMethod("createReader", &DdsAddon::CreateReader),
      InstanceMethod("write", &DdsAddon::Write),
      InstanceMethod("publicationMatched", &DdsAddon::PublicationMatched),
      InstanceMethod("subscriptionMatched", &DdsAddon::SubscriptionMatched),
      InstanceMethod("guid", &DdsAddon::Guid),
      InstanceMethod("instanceHandle", &DdsAddon::InstanceHandle),
      InstanceMethod("deleteEntity", &DdsAddon::DeleteEntity),
    });
    env.AddCleanupHook([this]() { Shutdown(); });
  }

 private:
  std::map<dds_entity_t, const struct ddsi_sertype *> topicTypes_;
  std::map<dds_entity_t, const struct ddsi_sertype *> writerTypes_;
  std::map<dds_entity_t, ReaderCtx *> readers_;
  std::vector<dds_entity_t> participants_;

  void Shutdown() {
    for (auto &kv : readers_) kv.second->closing.store(true);
    for (dds_entity_t p : participants_) dds_delete(p);
    participants_.clear();
    for (auto &kv : readers_) kv.second->tsfn.Abort();
    readers_.clear();
    topicTypes_.clear();
    writerTypes_.clear();
  }

  Napi::Value Version(const Napi::CallbackInfo &info) {
    return Napi::String::New(info.Env(), DDS_VERSION);
  }

  // createParticipant(domainId, config?: string) -> handle. config (file URIs and/or XML
  // fragments, as CYCLONEDDS_URI) is only used if this process has not created the domain yet.
  Napi::Value CreateParticipant(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    auto domain = static_cast<dds_domainid_t>(info[0].ToNumber().Uint32Value());
    if (info.Length() > 1 && info[1].IsString()) {
      std::string config = info[1].As<Napi::String>();
      dds_entity_t d = dds_create_domain(domain, config.c_str());
      if (d < 0 && d != DDS_RETCODE_PRECONDITION_NOT_MET) ThrowDds(env, "dds_create_domain", d);
    }
    // As rmw_cyclonedds: the participant's USER_DATA names its security enclave.
    static const char kUserData[] = "enclave=/;";
    dds_qos_t *q = dds_create_qos();
    dds_qset_userdata(q, kUserData, sizeof(kUserData) - 1);
    dds_entity_t p = dds_create_participant(domain, q, nullptr);
    dds_delete_qos(q);
    if (p < 0) ThrowDds(env, "dds_create_participant", p);
    participants_.push_back(p);
    return Napi::Number::New(env, p);
  }

  // createTopic(participant, name, typeName) -> handle
  Napi::Value CreateTopic(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    dds_entity_t pp = info[0].ToNumber().Int32Value();
    std::string name = info[1].As<Napi::String>();
    std::string typeName = info[2].As<Napi::String>();
    struct ddsi_sertype *st = raw_sertype_new(typeName.c_str());
    if (!st) throw Napi::Error::New(env, "out of memory creating sertype");
    dds_entity_t tp = dds_create_topic_sertype(pp, name.c_str(), &st, nullptr, nullptr, nullptr);
    if (tp < 0) {
      ddsi_sertype_unref(st);
      ThrowDds(env, ("dds_create_topic_sertype(" + name + ", " + typeName + ")").c_str(), tp);
    }
    topicTypes_[tp] = st;
    return Napi::Number::New(env, tp);
  }

  Napi::Value CreateWriter(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    dds_entity_t pp = info[0].ToNumber().Int32Value();
    dds_entity_t tp = info[1].ToNumber().Int32Value();
    auto it = topicTypes_.find(tp);
    if (it == topicTypes_.end()) throw Napi::Error::New(env, "createWriter: unknown topic handle");
    dds_qos_t *q = MakeQos(info[2].As<Napi::Object>());
    dds_entity_t wr = dds_create_writer(pp, tp, q, nullptr);
    dds_delete_qos(q);
    if (wr < 0) ThrowDds(env, "dds_create_writer", wr);
    writerTypes_[wr] = it->second;
    return Napi::Number::New(env, wr);
  }

  // createReader(participant, topic, qos, onSamples(batch)) -> handle
  Napi::Value CreateReader(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    dds_entity_t pp = info[0].ToNumber().Int32Value();
    dds_entity_t tp = info[1].ToNumber().Int32Value();
    dds_qos_t *q = MakeQos(info[2].As<Napi::Object>());
    auto *ctx = new ReaderCtx();
    ctx->tsfn = Napi::ThreadSafeFunction::New(env, info[3].As<Napi::Function>(), "claudia_dds_reader", 0, 1, ctx,
                                              [](Napi::Env, ReaderCtx *c) { delete c; });
    dds_listener_t *l = dds_create_listener(ctx);
    dds_lset_data_available(l, OnDataAvailable);
    dds_entity_t rd = dds_create_reader(pp, tp, q, l);
    dds_delete_listener(l);
    dds_delete_qos(q);
    if (rd < 0) {
      ctx->tsfn.Release();
      ThrowDds(env, "dds_create_reader", rd);
    }
    ctx->reader = rd;
    readers_[rd] = ctx;
    return Napi::Number::New(env, rd);
  }

  // write(writer, bytes): the bytes must start with the CDR encapsulation header.
  Napi::Value Write(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    dds_entity_t wr = info[0].ToNumber().Int32Value();
    auto it = writerTypes_.find(wr);
    if (it == writerTypes_.end()) throw Napi::Error::New(env, "write: unknown writer handle");
    auto arr = info[1].As<Napi::TypedArrayOf<uint8_t>>();
    if (arr.ByteLength() < 4) throw Napi::Error::New(env, "write: sample shorter than the CDR header");
    struct ddsi_serdata *sd = raw_serdata_from_bytes(it->second, arr.Data(), arr.ByteLength());
    if (!sd) throw Napi::Error::New(env, "write: out of memory");
    dds_return_t rc = dds_writecdr(wr, sd);  // consumes the reference
    if (rc < 0) ThrowDds(env, "dds_writecdr", rc);
    return env.Undefined();
  }

  Napi::Value PublicationMatched(const Napi::CallbackInfo &info) {
    dds_publication_matched_status_t st;
    dds_return_t rc = dds_get_publication_matched_status(info[0].ToNumber().Int32Value(), &st);
    if (rc < 0) ThrowDds(info.Env(), "dds_get_publication_matched_status", rc);
    return Napi::Number::New(info.Env(), st.current_count);
  }

  Napi::Value SubscriptionMatched(const Napi::CallbackInfo &info) {
    dds_subscription_matched_status_t st;
    dds_return_t rc = dds_get_subscription_matched_status(info[0].ToNumber().Int32Value(), &st);
    if (rc < 0) ThrowDds(info.Env(), "dds_get_subscription_matched_status", rc);
    return Napi::Number::New(info.Env(), st.current_count);
  }

  // guid(entity) -> 16-byte Buffer (network order, as rmw_cyclonedds puts in a Gid)
  Napi::Value Guid(const Napi::CallbackInfo &info) {
    dds_guid_t g;
    dds_return_t rc = dds_get_guid(info[0].ToNumber().Int32Value(), &g);
    if (rc < 0) ThrowDds(info.Env(), "dds_get_guid", rc);
    return Napi::Buffer<uint8_t>::Copy(info.Env(), g.v, sizeof(g.v));
  }

  Napi::Value InstanceHandle(const Napi::CallbackInfo &info) {
    dds_instance_handle_t h;
    dds_return_t rc = dds_get_instance_handle(info[0].ToNumber().Int32Value(), &h);
    if (rc < 0) ThrowDds(info.Env(), "dds_get_instance_handle", rc);
    return Napi::BigInt::New(info.Env(), static_cast<uint64_t>(h));
  }

  // deleteEntity(handle): readers stop delivering first; deleting a participant deletes its children.
  Napi::Value DeleteEntity(const Napi::CallbackInfo &info) {
    dds_entity_t e = info[0].ToNumber().Int32Value();
    auto rit = readers_.find(e);
    ReaderCtx *ctx = rit == readers_.end() ? nullptr : rit->second;
    if (ctx) ctx->closing.store(true);
    dds_return_t rc = dds_delete(e);  // waits for a running listener to finish
    if (ctx) {
      readers_.erase(rit);
      ctx->tsfn.Release();
    }
    bool isParticipant = false;
    for (auto it = participants_.begin(); it != participants_.end(); ++it) {
      if (*it == e) {
        participants_.erase(it);
        isParticipant = true;
        break;
      }
    }
    if (isParticipant) {
      // Children went with the participant: release their reader contexts and forget their
      // handles (a deleted entity has no parent any more).
      auto gone = [](dds_entity_t h) { return dds_get_parent(h) < 0; };
      for (auto it = readers_.begin(); it != readers_.end();) {
        if (gone(it->first)) {
          it->second->closing.store(true);
          it->second->tsfn.Release();
          it = readers_.erase(it);
        } else {
          ++it;
        }
      }
      for (auto *m : {&writerTypes_, &topicTypes_}) {
        for (auto it = m->begin(); it != m->end();) it = gone(it->first) ? m->erase(it) : std::next(it);
      }
    }
    writerTypes_.erase(e);
    topicTypes_.erase(e);
    if (rc < 0 && rc != DDS_RETCODE_BAD_PARAMETER && rc != DDS_RETCODE_ALREADY_DELETED) ThrowDds(info.Env(), "dds_delete", rc);
    return info.Env().Undefined();
  }
};

}  // namespace

NODE_API_ADDON(DdsAddon)
