#include "control/southbound/netconf_session.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nc_client.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string_view>

#include <fmt/format.h>

#include "common/file_text.hpp"
#include "control/southbound/connect_watchdog.hpp"
#include "protocol/bounded_json.hpp"

namespace takt::southbound {

namespace {

// libnetconf2 reports a failed connect or authentication only through its log: keep the last
// error of this thread for the exception instead of letting it print to stderr.
thread_local std::string last_library_error;
thread_local std::string host_key_problem;

void remember_library_message(const nc_session*, NC_VERB_LEVEL level, const char* message) {
  if (level == NC_VERB_ERROR && message) last_library_error = text_excerpt(message, 400);
}

void init_client_library() {
  static std::once_flag once;
  std::call_once(once, [] {
    nc_client_init();
    // TAKT_NETCONF_TRACE=1: libnetconf2 and libyang print what they do (to stderr), for a
    // person finding out why a server is refused.
    if (const char* trace = std::getenv("TAKT_NETCONF_TRACE"); trace && *trace && *trace != '0') {
      nc_verbosity(NC_VERB_VERBOSE);
      return;
    }
    nc_verbosity(NC_VERB_ERROR);
    nc_set_print_clb_session(remember_library_message);
    // libyang: keep the last error for ly_errmsg(), print nothing.
    ly_log_options(LY_LOSTORE_LAST);
  });
}

// The server's host key must already be in the endpoint's known_hosts file (set on the SSH
// session): a bridge is never trusted on first use.
int check_host_key(const char* host, ssh_session ssh, void*) {
  switch (ssh_session_is_known_server(ssh)) {
    case SSH_KNOWN_HOSTS_OK:
      return 0;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      host_key_problem = fmt::format("the host key of {} differs from the one in known-hosts: refused", host);
      return -1;
    case SSH_KNOWN_HOSTS_NOT_FOUND:
    case SSH_KNOWN_HOSTS_UNKNOWN:
      host_key_problem =
          fmt::format("the host key of {} is not in known-hosts: refused (add it, e.g. with ssh-keyscan)", host);
      return -1;
    default:
      host_key_problem = fmt::format("the host key of {} could not be checked: {}", host, ssh_get_error(ssh));
      return -1;
  }
}

NC_DATASTORE datastore(Datastore d) { return d == Datastore::running ? NC_DATASTORE_RUNNING : NC_DATASTORE_CANDIDATE; }

const char* opaque_name(const lyd_node* n) {
  return n->schema ? n->schema->name : reinterpret_cast<const lyd_node_opaq*>(n)->name.name;
}

const char* opaque_value(const lyd_node* n) {
  return n->schema ? lyd_get_value(n) : reinterpret_cast<const lyd_node_opaq*>(n)->value;
}

// "invalid-value at /path: message" for every rpc-error under `reply` (the envelopes).
void collect_errors(const lyd_node* reply, std::vector<std::string>& out) {
  for (const lyd_node* n = reply; n; n = n->next) {
    if (std::strcmp(opaque_name(n), "rpc-error") == 0) {
      std::string tag, path, message, element;
      for (const lyd_node* c = lyd_child(n); c; c = c->next) {
        const std::string name = opaque_name(c);
        const char* v = opaque_value(c);
        // The server's words go into our messages: each is bounded.
        if (name == "error-tag" && v) tag = text_excerpt(v, 60);
        if (name == "error-path" && v) path = text_excerpt(v, 400);
        if (name == "error-message" && v) message = text_excerpt(v, 400);
        if (name == "error-info")
          for (const lyd_node* i = lyd_child(c); i; i = i->next)
            if (std::strcmp(opaque_name(i), "bad-element") == 0 && opaque_value(i))
              element = text_excerpt(opaque_value(i), 100);
      }
      std::string text = tag.empty() ? "error" : tag;
      if (!path.empty()) text += " at " + path;
      if (!element.empty()) text += " (element " + element + ")";
      if (!message.empty()) text += ": " + message;
      out.push_back(std::move(text));
    } else {
      collect_errors(lyd_child(n), out);
    }
  }
}

}  // namespace

void DataTreeDeleter::operator()(lyd_node* tree) const { lyd_free_all(tree); }

NetconfSession::NetconfSession(AgentEndpoint endpoint, nc_session* session, ly_ctx* own_context)
    : endpoint_(std::move(endpoint)), session_(session), own_context_(own_context) {}

NetconfSession::~NetconfSession() {
  nc_session_free(session_, nullptr);
  if (own_context_) ly_ctx_destroy(own_context_);
}

namespace {

// The value of `key` in a capability URI's query ("...?module=x&revision=y&features=a,b").
std::string capability_parameter(std::string_view uri, std::string_view key) {
  const auto query = uri.find('?');
  if (query == std::string_view::npos) return {};
  std::string_view rest = uri.substr(query + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    if (pair.size() > key.size() && pair.substr(0, key.size()) == key && pair[key.size()] == '=')
      return std::string(pair.substr(key.size() + 1));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return {};
}

struct ContextDeleter {
  void operator()(ly_ctx* c) const { ly_ctx_destroy(c); }
};

// A context over `dirs` with ietf-netconf (every feature: which ones the server has is read
// from its capabilities, not from this module). libnetconf2 then loads every module the server
// announces into it, from these folders where they hold it.
std::unique_ptr<ly_ctx, ContextDeleter> local_context(const std::vector<std::string>& dirs, const std::string& peer) {
  ly_ctx* ctx = nullptr;
  if (ly_ctx_new(nullptr, LY_CTX_DISABLE_SEARCHDIR_CWD, &ctx) != LY_SUCCESS)
    throw NetconfError(peer + ": cannot create a YANG context");
  std::unique_ptr<ly_ctx, ContextDeleter> owned(ctx);
  for (const auto& d : dirs) ly_ctx_set_searchdir(ctx, d.c_str());
  const char* all[] = {"*", nullptr};
  if (!ly_ctx_load_module(ctx, "ietf-netconf", nullptr, all))
    throw NetconfError(fmt::format("{}: no ietf-netconf module in yang-dir ({}): {}", peer,
                                   dirs.empty() ? "" : dirs.front(), ly_errmsg(ctx) ? ly_errmsg(ctx) : ""));
  // libnetconf2 asks every server for these two with <get-schema> while connecting unless the
  // context has them: where yang-dir holds them, no request goes out before the session is up.
  for (const char* nmda : {"ietf-origin", "ietf-netconf-nmda"}) ly_ctx_load_module(ctx, nmda, nullptr, all);
  return owned;
}

// The module libnetconf2 would otherwise fetch with <get-schema> while connecting, read from
// the endpoint's yang-dir (user_data: a null-terminated array of folders). A file larger than a
// module can be is not read.
LY_ERR module_from_yang_dirs(const char* name, const char* revision, const char* submodule, const char* sub_revision,
                             void* user_data, LYS_INFORMAT* format, const char** module_data,
                             ly_module_imp_data_free_clb* free_module_data) {
  const auto* dirs = static_cast<const char* const*>(user_data);
  char* path = nullptr;
  if (lys_search_localfile(dirs, 0, submodule ? submodule : name, submodule ? sub_revision : revision, &path, format) !=
          LY_SUCCESS ||
      !path)
    return LY_ENOTFOUND;
  const auto text_or = read_file_text(path, 4 << 20);
  std::free(path);
  if (!text_or) return LY_ENOTFOUND;
  const std::string& text = *text_or;
  char* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (!copy) return LY_EMEM;
  std::memcpy(copy, text.c_str(), text.size() + 1);
  *module_data = copy;
  *free_module_data = [](void* data, void*) { std::free(data); };
  return LY_SUCCESS;
}

}  // namespace

std::unique_ptr<NetconfSession> NetconfSession::connect(const AgentEndpoint& e) {
  // A connect the watchdog ended is tried once more: netconfd lost a request, which a new
  // session is unlikely to repeat.
  for (int attempt = 1;; ++attempt) {
    try {
      return connect_once(e);
    } catch (const ConnectStalled& stalled) {
      if (attempt == 2) throw NetconfError(stalled.what());
    }
  }
}

std::unique_ptr<NetconfSession> NetconfSession::connect_once(const AgentEndpoint& e) {
  init_client_library();
  last_library_error.clear();
  host_key_problem.clear();
  const std::string peer = e.label();
  // Client options are per thread in libnetconf2: set this bridge's before connecting.
  while (nc_client_ssh_get_keypair_count() > 0) nc_client_ssh_del_keypair(0);
  const std::string public_key = e.ssh_key_file + ".pub";
  if (nc_client_ssh_add_keypair(public_key.c_str(), e.ssh_key_file.c_str()) != 0)
    throw NetconfError(fmt::format("{}: cannot use the SSH key {} (and {})", peer, e.ssh_key_file, public_key));
  nc_client_ssh_set_auth_pref(NC_SSH_AUTH_PUBLICKEY, 10);
  nc_client_ssh_set_auth_pref(NC_SSH_AUTH_PASSWORD, -1);
  nc_client_ssh_set_auth_pref(NC_SSH_AUTH_INTERACTIVE, -1);
  nc_client_ssh_set_auth_hostkey_check_clb(check_host_key, nullptr);

  // Our own TCP connection, so the watchdog below can end a connect that waits on a lost reply.
  UniqueFd socket;
  try {
    socket = tcp_connect(e.host, e.port, e.connect_timeout);
  } catch (const std::runtime_error& failed) {
    throw NetconfError(fmt::format("{}: {}", peer, failed.what()));
  }
  ssh_session ssh = ssh_new();
  if (!ssh) throw NetconfError(peer + ": cannot create an SSH session");
  socket_t fd = socket.get();
  const long timeout_s = std::max<long>(1, static_cast<long>((e.connect_timeout.count() + 999) / 1000));
  const unsigned port = e.port;
  const int no = 0;
  bool options_ok = ssh_options_set(ssh, SSH_OPTIONS_HOST, e.host.c_str()) == 0 &&
                    ssh_options_set(ssh, SSH_OPTIONS_PORT, &port) == 0 &&
                    ssh_options_set(ssh, SSH_OPTIONS_USER, e.ssh_user.c_str()) == 0 &&
                    ssh_options_set(ssh, SSH_OPTIONS_TIMEOUT, &timeout_s) == 0 &&
                    // Only the file agents.yaml names decides which host keys are trusted, not
                    // ~/.ssh or /etc/ssh of whoever runs taktctl.
                    ssh_options_set(ssh, SSH_OPTIONS_KNOWNHOSTS, e.known_hosts_file.c_str()) == 0 &&
                    ssh_options_set(ssh, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, e.known_hosts_file.c_str()) == 0 &&
                    ssh_options_set(ssh, SSH_OPTIONS_PROCESS_CONFIG, &no) == 0 &&
                    // libssh owns the socket from here and closes it with the session.
                    ssh_options_set(ssh, SSH_OPTIONS_FD, &fd) == 0;
  if (options_ok) (void)socket.release();
  if (!options_ok) {
    const std::string why = ssh_get_error(ssh);
    ssh_free(ssh);
    throw NetconfError(fmt::format("{}: SSH options: {}", peer, why));
  }
  std::unique_ptr<ly_ctx, ContextDeleter> context;
  if (!e.yang_dirs.empty()) {
    try {
      context = local_context(e.yang_dirs, peer);
    } catch (...) {
      ssh_free(ssh);
      throw;
    }
  }
  // Modules the server announces that are not in the context come from yang-dir too, never
  // through <get-schema> (netconfd may lose a request sent right after the hello, and
  // libnetconf2 waits minutes for the reply of one sent while connecting).
  std::vector<const char*> dirs;
  for (const auto& d : e.yang_dirs) dirs.push_back(d.c_str());
  dirs.push_back(nullptr);
  nc_client_set_schema_callback(e.yang_dirs.empty() ? nullptr : module_from_yang_dirs,
                                e.yang_dirs.empty() ? nullptr : dirs.data());
  // Takes ownership of `ssh`, also on failure. SSH, authentication, the hellos and the
  // library's own requests: each a round trip, so a few request timeouts are plenty.
  const auto limit = e.connect_timeout + 2 * e.request_timeout;
  ConnectWatchdog watchdog(fd, limit);
  nc_session* session = nc_connect_libssh(ssh, context.get());
  watchdog.stop();
  nc_client_set_schema_callback(nullptr, nullptr);
  if (watchdog.fired()) {
    if (session) nc_session_free(session, nullptr);
    throw ConnectStalled(
        fmt::format("{}: NETCONF over SSH: the server did not answer the connect within {} ms", peer, limit.count()));
  }
  // Nagle on while connecting keeps libnetconf2's first request apart from its <hello> (yuma123's
  // netconfd drops a request read together with the hello); off afterwards, as an RPC leaves in
  // several small SSH packets (chunk header, data, end of chunks) and with Nagle each would wait
  // for the server's delayed ACK, ~40 ms a call.
  if (session) {
    const int yes = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  }
  if (!session) {
    std::string why = !host_key_problem.empty()     ? host_key_problem
                      : !last_library_error.empty() ? last_library_error
                                                    : "connection failed";
    throw NetconfError(fmt::format("{}: NETCONF over SSH: {}", peer, why));
  }
  std::unique_ptr<NetconfSession> out(new NetconfSession(e, session, context.release()));
  out->first_exchange();
  return out;
}

void NetconfSession::first_exchange() {
  // yuma123's netconfd drops a request that reaches it in the same read as the client's
  // <hello>, and the request then waits for a reply that never comes. The first exchange is a
  // probe sent again if it gets no answer within a second; an error reply is an answer too.
  constexpr std::chrono::milliseconds kFirstTry{1000};
  for (int attempt = 1;; ++attempt) {
    try {
      call(nc_rpc_getconfig(NC_DATASTORE_RUNNING, kProbeFilter, NC_WD_UNKNOWN, NC_PARAMTYPE_CONST), "get-config",
           attempt == 1 ? kFirstTry : endpoint_.request_timeout);
      return;
    } catch (const NetconfError& e) {
      if (!up()) throw;
      if (std::string_view(e.what()).find("no reply within") == std::string_view::npos) return;  // it answered
      if (attempt == 2) throw;
    }
  }
}

ly_ctx* NetconfSession::context() const { return const_cast<ly_ctx*>(nc_session_get_ctx(session_)); }

bool NetconfSession::has_capability(const std::string& uri) const {
  return nc_session_cpblt(session_, uri.c_str()) != nullptr;
}

std::optional<std::string> NetconfSession::implemented(const std::string& module) const {
  // What the server announced (RFC 6020 module capabilities) and the context could load.
  bool announced = false;
  const char* const* caps = nc_session_get_cpblts(session_);
  for (std::size_t i = 0; caps && caps[i] && !announced; ++i)
    announced = capability_parameter(caps[i], "module") == module;
  const lys_module* m = ly_ctx_get_module_implemented(context(), module.c_str());
  if (!m && announced && own_context_)
    throw NetconfError(
        fmt::format("{}: the server implements {}, but yang-dir has no such module to read it with", peer(), module));
  if (!m) return std::nullopt;
  return std::string(m->revision ? m->revision : "");
}

DataTree NetconfSession::call(nc_rpc* rpc, const char* what) { return call(rpc, what, endpoint_.request_timeout); }

DataTree NetconfSession::call(nc_rpc* rpc, const char* what, std::chrono::milliseconds timeout) {
  if (!rpc) throw NetconfError(fmt::format("{}: {}: cannot build the request", peer(), what));
  const int timeout_ms = static_cast<int>(timeout.count());
  last_library_error.clear();
  std::uint64_t message_id = 0;
  if (nc_send_rpc(session_, rpc, timeout_ms, &message_id) != NC_MSG_RPC) {
    nc_rpc_free(rpc);
    throw NetconfError(fmt::format("{}: {}: sending failed: {}", peer(), what,
                                   last_library_error.empty() ? "session lost" : last_library_error));
  }
  lyd_node* envelope = nullptr;
  lyd_node* output = nullptr;
  NC_MSG_TYPE got;
  do {
    got = nc_recv_reply(session_, rpc, message_id, timeout_ms, &envelope, &output);
    if (got == NC_MSG_NOTIF) {
      lyd_free_all(envelope);
      lyd_free_all(output);
      envelope = output = nullptr;
    }
  } while (got == NC_MSG_NOTIF);
  nc_rpc_free(rpc);
  DataTree envelope_tree(envelope);
  DataTree output_tree(output);
  if (got == NC_MSG_WOULDBLOCK)
    throw NetconfError(fmt::format("{}: {}: no reply within {} ms", peer(), what, timeout_ms));
  if (got != NC_MSG_REPLY)
    throw NetconfError(fmt::format("{}: {}: no valid reply: {}", peer(), what,
                                   last_library_error.empty() ? "session lost" : last_library_error));
  std::vector<std::string> errors;
  collect_errors(envelope, errors);
  if (!errors.empty()) {
    std::string text = fmt::format("{}: {} refused:", peer(), what);
    // A server may list one error per node: the first few say what is wrong.
    const std::size_t shown = std::min<std::size_t>(errors.size(), 5);
    for (std::size_t i = 0; i < shown; ++i) text += (i == 0 ? " " : "; ") + errors[i];
    if (errors.size() > shown) text += fmt::format("; and {} more", errors.size() - shown);
    throw NetconfError(text);
  }
  return output_tree;
}

void NetconfSession::lock(Datastore target) { call(nc_rpc_lock(datastore(target)), "lock"); }

void NetconfSession::unlock(Datastore target) { call(nc_rpc_unlock(datastore(target)), "unlock"); }

void NetconfSession::edit(Datastore target, const std::string& config) {
  const bool rollback = has_capability("urn:ietf:params:netconf:capability:rollback-on-error:1.0");
  const bool test = has_capability("urn:ietf:params:netconf:capability:validate:1.1") ||
                    has_capability("urn:ietf:params:netconf:capability:validate:1.0");
  call(nc_rpc_edit(datastore(target), NC_RPC_EDIT_DFLTOP_MERGE,
                   test ? NC_RPC_EDIT_TESTOPT_TESTSET : NC_RPC_EDIT_TESTOPT_UNKNOWN,
                   rollback ? NC_RPC_EDIT_ERROPT_ROLLBACK : NC_RPC_EDIT_ERROPT_STOP, config.c_str(),
                   NC_PARAMTYPE_DUP_AND_FREE),
       "edit-config");
}

void NetconfSession::validate(Datastore source) {
  call(nc_rpc_validate(datastore(source), nullptr, NC_PARAMTYPE_CONST), "validate");
}

void NetconfSession::discard_changes() { call(nc_rpc_discard(), "discard-changes"); }

void NetconfSession::commit() { call(nc_rpc_commit(0, 0, nullptr, nullptr, NC_PARAMTYPE_CONST), "commit"); }

void NetconfSession::commit_confirmed(unsigned timeout_seconds, const std::string& persist) {
  call(nc_rpc_commit(1, timeout_seconds, persist.c_str(), nullptr, NC_PARAMTYPE_DUP_AND_FREE), "confirmed commit");
}

void NetconfSession::confirm_commit(const std::string& persist_id) {
  call(nc_rpc_commit(0, 0, nullptr, persist_id.c_str(), NC_PARAMTYPE_DUP_AND_FREE), "confirming commit");
}

void NetconfSession::cancel_commit(const std::string& persist_id) {
  call(nc_rpc_cancel(persist_id.c_str(), NC_PARAMTYPE_DUP_AND_FREE), "cancel-commit");
}

namespace {

// The reply's <data> is anydata holding the data: a copy of its tree.
DataTree data_of(const DataTree& output, const std::string& peer, const char* what) {
  for (const lyd_node* n = output ? lyd_child(output.get()) : nullptr; n; n = n->next) {
    if (!n->schema || !(n->schema->nodetype & LYS_ANYDATA) || std::strcmp(n->schema->name, "data") != 0) continue;
    const auto* any = reinterpret_cast<const lyd_node_any*>(n);
    if (any->value_type != LYD_ANYDATA_DATATREE || !any->value.tree) return DataTree();
    lyd_node* copy = nullptr;
    if (lyd_dup_siblings(any->value.tree, nullptr, LYD_DUP_RECURSIVE, &copy) != LY_SUCCESS)
      throw NetconfError(fmt::format("{}: {}: cannot copy the reply", peer, what));
    return DataTree(copy);
  }
  return DataTree();
}

}  // namespace

DataTree NetconfSession::get_config(Datastore source, const std::string& filter) {
  return data_of(call(nc_rpc_getconfig(datastore(source), filter.empty() ? nullptr : filter.c_str(), NC_WD_UNKNOWN,
                                       NC_PARAMTYPE_DUP_AND_FREE),
                      "get-config"),
                 peer(), "get-config");
}

DataTree NetconfSession::get(const std::string& filter) {
  return data_of(
      call(nc_rpc_get(filter.empty() ? nullptr : filter.c_str(), NC_WD_UNKNOWN, NC_PARAMTYPE_DUP_AND_FREE), "get"),
      peer(), "get");
}

bool NetconfSession::up() const { return nc_session_get_status(session_) == NC_STATUS_RUNNING; }

}  // namespace takt::southbound
