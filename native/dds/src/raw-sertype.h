// A keyless Cyclone DDS sertype whose serdata is just the serialized bytes (CDR encapsulation
// header included). The node encodes and decodes CDR in TypeScript, so the addon never needs
// to know a type's layout: any topic and type name can be carried.
#pragma once
#include <cstddef>
#include <cstdint>

extern "C" {
#include "dds/dds.h"
#include "dds/ddsi/ddsi_serdata.h"
#include "dds/ddsi/ddsi_sertype.h"
}

struct raw_serdata {
  struct ddsi_serdata c;
  uint32_t size;        // bytes in data, encapsulation header included
  unsigned char *data;  // malloc'ed; NULL for key-only serdata
};

// New sertype for type_name (refcount owned by the caller until passed to dds_create_topic_sertype).
struct ddsi_sertype *raw_sertype_new(const char *type_name);
// A DATA serdata holding a copy of bytes[0..size).
struct ddsi_serdata *raw_serdata_from_bytes(const struct ddsi_sertype *type, const unsigned char *bytes, size_t size);
