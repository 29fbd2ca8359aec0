#include "control/southbound/netconf_bridge.hpp"

#include <fmt/format.h>

#include "control/southbound/netconf_document.hpp"

namespace takt::southbound {

namespace {

constexpr const char* kCandidate = "urn:ietf:params:netconf:capability:candidate:1.0";
// 1.1: a confirmed commit with a persist id, confirmable and cancellable from another session.
constexpr const char* kConfirmedCommit = "urn:ietf:params:netconf:capability:confirmed-commit:1.1";

}  // namespace

NetconfBridge::NetconfBridge(AgentEndpoint endpoint, nlohmann::ordered_json doc)
    : endpoint_(std::move(endpoint)), doc_(netconf_content(doc, endpoint_.netconf_content)) {}

NetconfBridge::~NetconfBridge() {
  // An install that ended without abort() or confirm() (an exception elsewhere) must not keep
  // the candidate locked: the lock dies with the session anyway, this says so explicitly.
  if (session_ && locked_) try {
      session_->unlock(Datastore::candidate);
    } catch (const NetconfError&) {
    }
}

NetconfSession& NetconfBridge::session() {
  if (!session_) throw NetconfError(endpoint_.label() + ": no NETCONF session (check() first)");
  return *session_;
}

std::string NetconfBridge::check() {
  if (!session_) session_ = NetconfSession::connect(endpoint_);
  const std::string peer = endpoint_.label();
  std::vector<std::string> missing;
  if (!session_->has_capability(kCandidate)) missing.push_back(":candidate");
  if (!session_->has_capability(kConfirmedCommit)) missing.push_back(":confirmed-commit:1.1");
  for (const auto& m : netconf_modules_needed(doc_, endpoint_.netconf_content))
    if (!session_->implemented(m)) missing.push_back("the YANG module " + m);
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    throw NetconfError(fmt::format(
        "{}: the NETCONF server lacks {}, which installing this bridge's plan needs{}; nothing was changed", peer, list,
        endpoint_.netconf_content == NetconfContent::all ? " (netconf-content: schedule installs only the gate tables)"
                                                         : ""));
  }
  // The whole plan must parse in the server's own models (revisions, features, deviations).
  netconf_config_tree(session_->context(), doc_, peer);
  return fmt::format("NETCONF, {} {}; clock state not read over NETCONF", "ieee802-dot1q-sched-bridge",
                     *session_->implemented("ieee802-dot1q-sched-bridge"));
}

void NetconfBridge::stage() {
  NetconfSession& s = session();
  const DataTree tree = netconf_config_tree(s.context(), doc_, endpoint_.label());
  const std::string xml = netconf_edit_xml(s.context(), tree);
  s.lock(Datastore::candidate);
  locked_ = true;
  // The candidate may hold someone's unfinished edits: they are not ours to commit.
  s.discard_changes();
  s.edit(Datastore::candidate, xml);
  s.validate(Datastore::candidate);
  staged_ = true;
}

void NetconfBridge::commit(TaiTime base, const std::string& transaction, unsigned confirm_timeout_seconds) {
  NetconfSession& s = session();
  if (!staged_) throw NetconfError(endpoint_.label() + ": commit without a staged configuration");
  const DataTree times = netconf_config_tree(s.context(), netconf_base_time(doc_, base), endpoint_.label());
  s.edit(Datastore::candidate, netconf_edit_xml(s.context(), times, false));
  // No <validate> here: the commit validates the candidate itself, and yuma123's netconfd
  // commits nothing when a <validate> came between the last edit and the commit.
  s.commit_confirmed(confirm_timeout_seconds, transaction);
  committed_ = true;
  base_ = base;
}

std::vector<std::string> NetconfBridge::verify() {
  NetconfSession& s = session();
  const nlohmann::ordered_json desired = base_ ? netconf_with_base_time(doc_, *base_) : doc_;
  const DataTree want = netconf_config_tree(s.context(), desired, endpoint_.label());
  const DataTree running = s.get_config(Datastore::running);
  std::vector<std::string> out;
  for (auto& d : netconf_differences(want, running)) out.push_back(endpoint_.bridge + ": " + d);
  return out;
}

void NetconfBridge::confirm(const std::string& transaction) {
  NetconfSession& s = session();
  s.confirm_commit(transaction);
  committed_ = false;
  if (locked_) {
    s.unlock(Datastore::candidate);
    locked_ = false;
  }
}

std::string NetconfBridge::abort(const std::string& transaction) {
  if (!session_) return "nothing-to-abort";
  NetconfSession& s = session();
  std::string outcome = "nothing-to-abort";
  if (committed_) {
    s.cancel_commit(transaction);
    committed_ = false;
    outcome = "commit-cancelled";
  } else if (staged_) {
    s.discard_changes();
    outcome = "staged-dropped";
  }
  staged_ = false;
  if (locked_) {
    s.unlock(Datastore::candidate);
    locked_ = false;
  }
  return outcome;
}

}  // namespace takt::southbound
