/*
 * nlhost_imports.js - tells emscripten's linker that the nlhost imports exist
 *
 * The functions declared in nlhost.h are WebAssembly imports from the module
 * "nlhost", provided by ts/host at instantiation. emscripten 3.1.6 checks
 * every import by name against its JS libraries and fails the link for
 * unknown ones; these entries only satisfy that check. emscripten's JS glue is
 * not used at run time, so their bodies never run.
 */
mergeInto(LibraryManager.library, {
  sock_open: function() { abort('nlhost.sock_open is provided by the host'); },
  sock_close: function() { abort('nlhost.sock_close is provided by the host'); },
  sock_bind: function() { abort('nlhost.sock_bind is provided by the host'); },
  sock_connect: function() { abort('nlhost.sock_connect is provided by the host'); },
  sock_getsockname: function() { abort('nlhost.sock_getsockname is provided by the host'); },
  sock_getsockopt: function() { abort('nlhost.sock_getsockopt is provided by the host'); },
  sock_setsockopt: function() { abort('nlhost.sock_setsockopt is provided by the host'); },
  sock_sendto: function() { abort('nlhost.sock_sendto is provided by the host'); },
  sock_recvfrom: function() { abort('nlhost.sock_recvfrom is provided by the host'); },
  sock_sendmsg: function() { abort('nlhost.sock_sendmsg is provided by the host'); },
  sock_recvmsg: function() { abort('nlhost.sock_recvmsg is provided by the host'); },
  sock_poll: function() { abort('nlhost.sock_poll is provided by the host'); },
  sock_fcntl: function() { abort('nlhost.sock_fcntl is provided by the host'); },
  proc_getpid: function() { abort('nlhost.proc_getpid is provided by the host'); },
  netns_unshare: function() { abort('nlhost.netns_unshare is provided by the host'); },
});
