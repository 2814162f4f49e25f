{
  "targets": [
    {
      "target_name": "claudia_dds",
      "sources": ["src/raw-sertype.cpp", "src/addon.cpp"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "<!(echo ${CYCLONEDDS_HOME:-/usr}/include)", "/usr/include/<!(gcc -dumpmachine)"],
      "libraries": ["-L<!(echo ${CYCLONEDDS_HOME:-/usr}/lib)", "-L/usr/lib/<!(gcc -dumpmachine)", "-lddsc", "-Wl,-rpath,<!(echo ${CYCLONEDDS_HOME:-/usr}/lib)"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wno-missing-field-initializers"],
      "cflags_cc!": ["-fno-exceptions"]
    }
  ]
}
