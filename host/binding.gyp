{
  "targets": [
    {
      "target_name": "nlhost",
      "sources": ["addon.cc", "dump_readahead.cc", "named_netns.cc", "netlink_socket.cc", "netns.cc", "wakeup.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"]
    }
  ]
}
