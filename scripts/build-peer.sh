#!/bin/sh
# Builds the independent Cyclone DDS interop peer (test/peer/build/claudia_peer) with idlc + cc.
# Skips (exit 0, with a message) when Cyclone DDS or idlc is absent, so CI steps stay simple.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
src="$root/test/peer"
out="$src/build"
prefix=${CYCLONEDDS_HOME:-/usr}
if ! command -v idlc >/dev/null 2>&1 && [ ! -x "$prefix/bin/idlc" ]; then
  echo "build-peer: skipped: idlc not found (apt-get install cyclonedds-tools)"; exit 0
fi
if [ ! -f "$prefix/include/dds/dds.h" ]; then
  echo "build-peer: skipped: Cyclone DDS headers not found under $prefix/include (apt-get install cyclonedds-dev)"; exit 0
fi
idlc_bin=$(command -v idlc || echo "$prefix/bin/idlc")
mkdir -p "$out"
"$idlc_bin" -x final -o "$out" "$src/peer_types.idl"
multiarch=$(gcc -dumpmachine 2>/dev/null || echo "")
${CC:-cc} -O2 -Wall -o "$out/claudia_peer" -I"$out" -I"$prefix/include" ${multiarch:+-I/usr/include/$multiarch} \
  "$src/claudia_peer.c" "$out/peer_types.c" -L"$prefix/lib" ${multiarch:+-L/usr/lib/$multiarch} -lddsc
echo "build-peer: built $out/claudia_peer"
