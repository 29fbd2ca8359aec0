#pragma once
// One NETCONF session (RFC 6241) over SSH (RFC 6242) to a hardware bridge, through libnetconf2.
// The YANG context follows the server: by default libnetconf2 fetches every module the server
// announces with <get-schema>; with the endpoint's yang-dir, the announced modules (revision and
// features as announced) are read from those folders instead, which is faster and spares
// servers whose <get-schema> is unreliable (yuma123's netconfd dies on the second session that
// uses it). Either way what takt sends is parsed against the bridge's models before anything is
// written to it.
//
// Blocking: every call waits for its reply, bounded by the endpoint's request timeout. A
// session belongs to one thread at a time (libnetconf2 keeps client options per thread); the
// installer gives each NETCONF bridge a thread of its own.
#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "control/southbound/agent_endpoint.hpp"

struct nc_session;
struct nc_rpc;
struct ly_ctx;
struct lyd_node;

namespace takt::southbound {

// A failed NETCONF exchange; the message names the bridge and the server's words ("sw3
// (netconf://takt@10.0.0.3:830): edit-config: invalid-value at /if:interfaces/...: ...").
class NetconfError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A connect that outlived its limit and was ended (connect_watchdog.hpp); connect() tries once more.
class ConnectStalled : public NetconfError {
 public:
  using NetconfError::NetconfError;
};

enum class Datastore { running, candidate };

// Subtree filters: the interfaces, where the gate tables live (a switch's whole configuration
// can be large); and one that selects nothing, a round trip that proves a session answers.
inline constexpr const char* kInterfacesFilter = "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"/>";
inline constexpr const char* kProbeFilter =
    "<interfaces xmlns=\"urn:ietf:params:xml:ns:yang:ietf-interfaces\"><interface><name>takt-session-probe</name>"
    "</interface></interfaces>";

// A data tree in the session's context; freed with the tree.
struct DataTreeDeleter {
  void operator()(lyd_node* tree) const;
};
using DataTree = std::unique_ptr<lyd_node, DataTreeDeleter>;

class NetconfSession {
 public:
  // Connects, authenticates with the endpoint's key and checks the server's host key against
  // its known-hosts file. Throws NetconfError.
  static std::unique_ptr<NetconfSession> connect(const AgentEndpoint& endpoint);
  ~NetconfSession();
  NetconfSession(const NetconfSession&) = delete;
  NetconfSession& operator=(const NetconfSession&) = delete;

  const AgentEndpoint& endpoint() const { return endpoint_; }
  ly_ctx* context() const;
  // Whether the server announced `capability` (a URI, e.g. ":candidate" expanded).
  bool has_capability(const std::string& uri) const;
  // The revision of `module` if the server implements it.
  std::optional<std::string> implemented(const std::string& module) const;

  void lock(Datastore target);
  void unlock(Datastore target);
  // <edit-config> with default operation merge and rollback-on-error; `config` is XML.
  void edit(Datastore target, const std::string& config);
  void validate(Datastore source);
  void discard_changes();
  // <commit/>, or confirmed with a timeout (s) and a persist id that a later session can confirm
  // or cancel.
  void commit();
  void commit_confirmed(unsigned timeout_seconds, const std::string& persist);
  void confirm_commit(const std::string& persist_id);
  void cancel_commit(const std::string& persist_id);
  // <get-config> with an optional subtree filter (XML); the data in the session's context.
  DataTree get_config(Datastore source, const std::string& filter = {});
  // <get>: configuration and state (the bridge's oper-* leaves, its clock), filtered likewise.
  DataTree get(const std::string& filter = {});
  // False once the transport is gone (the peer closed it, or a call found it broken).
  bool up() const;

 private:
  NetconfSession(AgentEndpoint endpoint, nc_session* session, ly_ctx* own_context);
  // Sends `rpc` (consumed), waits for the reply: <ok/> or data. Throws NetconfError with the
  // server's rpc-errors, naming `what`.
  DataTree call(nc_rpc* rpc, const char* what);
  DataTree call(nc_rpc* rpc, const char* what, std::chrono::milliseconds timeout);
  static std::unique_ptr<NetconfSession> connect_once(const AgentEndpoint& endpoint);
  // A probe right after the hello, sent again once if it is lost (see the .cpp).
  void first_exchange();
  std::string peer() const { return endpoint_.label(); }

  AgentEndpoint endpoint_;
  nc_session* session_;
  ly_ctx* own_context_;  // built from yang_dirs, destroyed after the session; else null
};

}  // namespace takt::southbound
