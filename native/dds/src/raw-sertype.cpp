#include "raw-sertype.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

extern "C" {
#include "dds/ddsi/q_radmin.h"
}

namespace {

// The sample type seen by dds_write/dds_take on this topic (the node uses writecdr/takecdr,
// but Cyclone may still ask the sertype to manage samples).
struct raw_sample {
  unsigned char *data;
  uint32_t size;
};

raw_serdata *alloc_serdata(const struct ddsi_sertype *type, enum ddsi_serdata_kind kind, size_t size) {
  auto *d = static_cast<raw_serdata *>(std::calloc(1, sizeof(raw_serdata)));
  if (!d) return nullptr;
  ddsi_serdata_init(&d->c, type, kind);
  // Keyless: every sample is the same instance, so the hash is the type's base hash.
  d->c.hash = type ? type->serdata_basehash : 0;
  if (kind == SDK_DATA && size > 0) {
    d->data = static_cast<unsigned char *>(std::malloc(size));
    if (!d->data) {
      std::free(d);
      return nullptr;
    }
  }
  d->size = kind == SDK_DATA ? static_cast<uint32_t>(size) : 0;
  return d;
}

bool sd_eqkey(const struct ddsi_serdata *, const struct ddsi_serdata *) { return true; }

uint32_t sd_get_size(const struct ddsi_serdata *dc) { return reinterpret_cast<const raw_serdata *>(dc)->size; }

struct ddsi_serdata *sd_from_ser(const struct ddsi_sertype *type, enum ddsi_serdata_kind kind, const struct nn_rdata *fragchain, size_t size) {
  raw_serdata *d = alloc_serdata(type, kind, size);
  if (!d) return nullptr;
  if (kind != SDK_DATA) return &d->c;
  // Fragments arrive in order and may overlap; copy only what each one adds.
  uint32_t off = 0;
  while (fragchain) {
    if (fragchain->maxp1 > off) {
      const unsigned char *payload = NN_RMSG_PAYLOADOFF(fragchain->rmsg, NN_RDATA_PAYLOAD_OFF(fragchain));
      const unsigned char *src = payload + off - fragchain->min;
      uint32_t end = fragchain->maxp1 > size ? static_cast<uint32_t>(size) : fragchain->maxp1;
      if (end > off) std::memcpy(d->data + off, src, end - off);
      off = fragchain->maxp1;
    }
    fragchain = fragchain->nextfrag;
  }
  return &d->c;
}

struct ddsi_serdata *sd_from_ser_iov(const struct ddsi_sertype *type, enum ddsi_serdata_kind kind, ddsrt_msg_iovlen_t niov, const ddsrt_iovec_t *iov, size_t size) {
  raw_serdata *d = alloc_serdata(type, kind, size);
  if (!d) return nullptr;
  if (kind != SDK_DATA) return &d->c;
  size_t off = 0;
  for (ddsrt_msg_iovlen_t i = 0; i < niov && off < size; i++) {
    size_t n = iov[i].iov_len;
    if (off + n > size) n = size - off;
    std::memcpy(d->data + off, iov[i].iov_base, n);
    off += n;
  }
  return &d->c;
}

struct ddsi_serdata *sd_from_keyhash(const struct ddsi_sertype *type, const struct ddsi_keyhash *) {
  raw_serdata *d = alloc_serdata(type, SDK_KEY, 0);
  return d ? &d->c : nullptr;
}

struct ddsi_serdata *sd_from_sample(const struct ddsi_sertype *type, enum ddsi_serdata_kind kind, const void *sample) {
  const auto *s = static_cast<const raw_sample *>(sample);
  raw_serdata *d = alloc_serdata(type, kind, kind == SDK_DATA ? s->size : 0);
  if (!d) return nullptr;
  if (kind == SDK_DATA && s->size) std::memcpy(d->data, s->data, s->size);
  return &d->c;
}

void sd_to_ser(const struct ddsi_serdata *dc, size_t off, size_t sz, void *buf) {
  const auto *d = reinterpret_cast<const raw_serdata *>(dc);
  // Cyclone may ask for up to alignup4(size): bytes past the end are zero.
  size_t avail = off < d->size ? d->size - off : 0;
  size_t n = sz < avail ? sz : avail;
  if (n) std::memcpy(buf, d->data + off, n);
  if (sz > n) std::memset(static_cast<unsigned char *>(buf) + n, 0, sz - n);
}

struct ddsi_serdata *sd_to_ser_ref(const struct ddsi_serdata *dc, size_t off, size_t sz, ddsrt_iovec_t *ref) {
  const auto *d = reinterpret_cast<const raw_serdata *>(dc);
  ref->iov_base = d->data + off;
  ref->iov_len = static_cast<ddsrt_iov_len_t>(sz);
  return ddsi_serdata_ref(dc);
}

void sd_to_ser_unref(struct ddsi_serdata *dc, const ddsrt_iovec_t *) { ddsi_serdata_unref(dc); }

bool sd_to_sample(const struct ddsi_serdata *dc, void *sample, void **, void *) {
  const auto *d = reinterpret_cast<const raw_serdata *>(dc);
  auto *s = static_cast<raw_sample *>(sample);
  std::free(s->data);
  s->data = static_cast<unsigned char *>(std::malloc(d->size ? d->size : 1));
  if (!s->data) return false;
  if (d->size) std::memcpy(s->data, d->data, d->size);
  s->size = d->size;
  return true;
}

struct ddsi_serdata *sd_to_untyped(const struct ddsi_serdata *dc) {
  raw_serdata *d = alloc_serdata(dc->type, SDK_KEY, 0);
  if (!d) return nullptr;
  d->c.type = nullptr;
  return &d->c;
}

bool sd_untyped_to_sample(const struct ddsi_sertype *, const struct ddsi_serdata *, void *sample, void **, void *) {
  auto *s = static_cast<raw_sample *>(sample);
  std::free(s->data);
  s->data = nullptr;
  s->size = 0;
  return true;
}

void sd_free(struct ddsi_serdata *dc) {
  auto *d = reinterpret_cast<raw_serdata *>(dc);
  std::free(d->data);
  std::free(d);
}

size_t sd_print(const struct ddsi_sertype *, const struct ddsi_serdata *dc, char *buf, size_t size) {
  const auto *d = reinterpret_cast<const raw_serdata *>(dc);
  int n = std::snprintf(buf, size, "raw cdr, %u bytes", static_cast<unsigned>(d->size));
  return n < 0 ? 0 : static_cast<size_t>(n);
}

void sd_get_keyhash(const struct ddsi_serdata *, struct ddsi_keyhash *buf, bool) { std::memset(buf->value, 0, sizeof(buf->value)); }

const struct ddsi_serdata_ops raw_serdata_ops = {
  sd_eqkey, sd_get_size, sd_from_ser, sd_from_ser_iov, sd_from_keyhash, sd_from_sample, sd_to_ser, sd_to_ser_ref,
  sd_to_ser_unref, sd_to_sample, sd_to_untyped, sd_untyped_to_sample, sd_free, sd_print, sd_get_keyhash,
#ifdef DDS_HAS_SHM
  nullptr, nullptr,
#endif
};

void st_free(struct ddsi_sertype *tp) {
  ddsi_sertype_fini(tp);
  delete tp;
}

void st_zero_samples(const struct ddsi_sertype *, void *samples, size_t count) {
  std::memset(samples, 0, count * sizeof(raw_sample));
}

void st_realloc_samples(void **ptrs, const struct ddsi_sertype *, void *old, size_t oldcount, size_t count) {
  auto *p = static_cast<raw_sample *>(std::realloc(old, count * sizeof(raw_sample)));
  if (p && count > oldcount) std::memset(p + oldcount, 0, (count - oldcount) * sizeof(raw_sample));
  for (size_t i = 0; i < count; i++) ptrs[i] = p + i;
}

void st_free_samples(const struct ddsi_sertype *, void **ptrs, size_t count, dds_free_op_t op) {
  if (count == 0) return;
  auto *first = static_cast<raw_sample *>(ptrs[0]);
  if (op & DDS_FREE_CONTENTS_BIT) {
    for (size_t i = 0; i < count; i++) {
      auto *s = static_cast<raw_sample *>(ptrs[i]);
      std::free(s->data);
      s->data = nullptr;
      s->size = 0;
    }
  }
  if (op & DDS_FREE_ALL_BIT) std::free(first);
}

bool st_equal(const struct ddsi_sertype *, const struct ddsi_sertype *) { return true; }
uint32_t st_hash(const struct ddsi_sertype *) { return 0; }

const struct ddsi_sertype_ops raw_sertype_ops = {
  ddsi_sertype_v0, nullptr, st_free, st_zero_samples, st_realloc_samples, st_free_samples, st_equal, st_hash,
  nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
};

}  // namespace

struct ddsi_sertype *raw_sertype_new(const char *type_name) {
  auto *st = new (std::nothrow) ddsi_sertype();
  if (!st) return nullptr;
  ddsi_sertype_init(st, type_name, &raw_sertype_ops, &raw_serdata_ops, true);
  // ROS 2 types over rmw_cyclonedds are plain (XCDR1) CDR.
  st->allowed_data_representation = DDS_DATA_REPRESENTATION_FLAG_XCDR1;
  return st;
}

struct ddsi_serdata *raw_serdata_from_bytes(const struct ddsi_sertype *type, const unsigned char *bytes, size_t size) {
  raw_serdata *d = alloc_serdata(type, SDK_DATA, size);
  if (!d) return nullptr;
  if (size) std::memcpy(d->data, bytes, size);
  return &d->c;
}
