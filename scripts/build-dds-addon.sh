#!/bin/sh
# Builds the dds transport's native addon (native/dds, node-gyp + node-addon-api) against
# Cyclone DDS 0.10.x. Skips with a clear message (exit 0) when libddsc is absent: the package
# still installs and the dds transport then reports why it is unavailable.
# CYCLONEDDS_HOME=/opt/cyclonedds selects a Cyclone install outside /usr (e.g. unitree_ros2's).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=${CYCLONEDDS_HOME:-/usr}
multiarch=$(gcc -dumpmachine 2>/dev/null || echo "")
if [ ! -f "$prefix/include/dds/dds.h" ]; then
  echo "build-dds-addon: skipped: $prefix/include/dds/dds.h not found (apt-get install cyclonedds-dev, or set CYCLONEDDS_HOME)"; exit 0
fi
if ! ls "$prefix/lib/libddsc.so" "$prefix/lib/$multiarch/libddsc.so" 2>/dev/null | grep -q .; then
  echo "build-dds-addon: skipped: libddsc.so not found under $prefix/lib (apt-get install cyclonedds-dev, or set CYCLONEDDS_HOME)"; exit 0
fi
version=$(sed -n 's/^#define DDS_VERSION "\(.*\)"/\1/p' "$prefix/include/dds/version.h" 2>/dev/null || echo unknown)
case "$version" in
  0.10.*|0.11.*) ;;
  *) echo "build-dds-addon: warning: Cyclone DDS $version found; the addon is written for 0.10.x (the Go2's version)";;
esac
# Build against the local Node headers when they exist (offline machines, the robot);
# node-gyp would otherwise download them.
nodedir=${npm_config_nodedir:-}
if [ -z "$nodedir" ] && command -v npm >/dev/null 2>&1; then
  nodedir=$(npm config get nodedir 2>/dev/null || true)
  [ "$nodedir" = "undefined" ] && nodedir=""
fi
if [ -z "$nodedir" ]; then
  prefix_node=$(dirname "$(dirname "$(command -v node)")")
  [ -f "$prefix_node/include/node/node_api.h" ] && nodedir=$prefix_node
fi
cd "$root/native/dds"
node "$root/node_modules/node-gyp/bin/node-gyp.js" rebuild ${nodedir:+--nodedir="$nodedir"}
echo "build-dds-addon: built native/dds/build/Release/claudia_dds.node against Cyclone DDS $version"
