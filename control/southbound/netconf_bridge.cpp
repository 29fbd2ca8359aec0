#include "control/southbound/netconf_bridge.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "control/southbound/netconf_document.hpp"
#include "control/southbound/netconf_port_state.hpp"

namespace takt::southbound {

namespace {

constexpr const char* kCandidate = "urn:ietf:params:netconf:capability:candidate:1.0";
// 1.1: a confirmed commit with a persist id, confirmable and cancellable from another session.
constexpr const char* kConfirmedCommit = "urn:ietf:params:netconf:capability:confirmed-commit:1.1";
constexpr const char* kWritableRunning = "urn:ietf:params:netconf:capability:writable-running:1.0";

std::string schedule_text(const std::optional<NetconfGateList>& list) {
  if (!list || list->entries == 0) return "no schedule";
  NetconfGateList shown = *list;
  shown.base_time_ns.reset();  // each install's own
  return describe(shown);
}

// Per gated port of `want`: its schedule in `running` and in `want`, changed when any leaf of
// that port differs.
std::vector<PortChange> changes_of(const std::string& bridge, const DataTree& want, const DataTree& running) {
  auto differences = netconf_differences(want, running);
  const auto extra = netconf_extra_entries(want, running);
  differences.insert(differences.end(), extra.begin(), extra.end());
  const auto before = netconf_port_states(running);
  std::vector<PortChange> out;
  for (const auto& p : netconf_port_states(want)) {
    PortChange c;
    c.bridge = bridge;
    c.port = p.port;
    const auto was = std::find_if(before.begin(), before.end(), [&](const auto& b) { return b.port == p.port; });
    c.before = schedule_text(was == before.end() ? std::nullopt : was->admin);
    c.after = schedule_text(p.admin);
    const std::string key = "interface[name='" + p.port + "']";
    c.changed = std::any_of(differences.begin(), differences.end(),
                            [&](const std::string& d) { return d.find(key) != std::string::npos; });
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

NetconfBridge::NetconfBridge(AgentEndpoint endpoint, nlohmann::ordered_json doc, NetconfSessionPool* pool)
    : endpoint_(std::move(endpoint)), doc_(netconf_content(doc, endpoint_.netconf_content)), pool_(pool) {}

NetconfBridge::~NetconfBridge() {
  // An install that ended without abort() or confirm() (an exception elsewhere) must not keep
  // the candidate locked: the lock dies with the session anyway, this says so explicitly.
  if (session_ && locked_) try {
      session_->unlock(direct_ ? Datastore::running : Datastore::candidate);
      locked_ = false;
    } catch (const NetconfError&) {
    }
  // A session still holding the lock (its unlock failed) is not lent out again.
  if (pool_ && session_ && !locked_) pool_->give_back(std::move(session_));
}

void NetconfBridge::open() {
  if (!session_) session_ = pool_ ? pool_->take(endpoint_) : NetconfSession::connect(endpoint_);
}

NetconfSession& NetconfBridge::session() {
  if (!session_) throw NetconfError(endpoint_.label() + ": no NETCONF session (check() first)");
  return *session_;
}

std::string NetconfBridge::check() {
  open();
  const std::string peer = endpoint_.label();
  std::vector<std::string> missing;
  const bool transactional = session_->has_capability(kCandidate) && session_->has_capability(kConfirmedCommit);
  direct_ = !transactional && endpoint_.netconf_fallback == NetconfFallback::edit_running;
  if (direct_ && !session_->has_capability(kWritableRunning)) missing.push_back(":writable-running");
  if (!transactional && !direct_) {
    if (!session_->has_capability(kCandidate)) missing.push_back(":candidate");
    if (!session_->has_capability(kConfirmedCommit)) missing.push_back(":confirmed-commit:1.1");
  }
  for (const auto& m : netconf_modules_needed(doc_, endpoint_.netconf_content))
    if (!session_->implemented(m)) missing.push_back("the YANG module " + m);
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    throw NetconfError(fmt::format(
        "{}: the NETCONF server lacks {}, which installing this bridge's plan needs{}{}; nothing was changed", peer,
        list,
        endpoint_.netconf_content == NetconfContent::all ? " (netconf-content: schedule installs only the gate tables)"
                                                         : "",
        !transactional && !direct_ && session_->has_capability(kWritableRunning)
            ? " (netconf-fallback: edit-running installs by editing running, without the confirmed commit's "
              "automatic revert)"
            : ""));
  }
  // The whole plan must parse in the server's own models (revisions, features, deviations).
  netconf_config_tree(session_->context(), doc_, peer);
  const DataTree want = netconf_config_tree(session_->context(), netconf_without_base_time(doc_), peer);
  changes_ = changes_of(endpoint_.bridge, want, session_->get_config(Datastore::running, kInterfacesFilter));
  return fmt::format("NETCONF, {} {}{}", "ieee802-dot1q-sched-bridge",
                     *session_->implemented("ieee802-dot1q-sched-bridge"),
                     direct_ ? ", edit-running fallback (no candidate or confirmed commit)" : "");
}

void NetconfBridge::stage() {
  NetconfSession& s = session();
  const DataTree tree = netconf_config_tree(s.context(), doc_, endpoint_.label());
  if (direct_) {
    // Nothing is written before commit: the lock keeps others out, the copy is what an abort
    // puts back.
    s.lock(Datastore::running);
    locked_ = true;
    backup_ = s.get_config(Datastore::running);
    staged_ = true;
    return;
  }
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
  if (direct_) {
    const DataTree tree = netconf_config_tree(s.context(), netconf_with_base_time(doc_, base), endpoint_.label());
    committed_ = true;  // from here an abort restores: a lost reply may still have been applied
    base_ = base;
    s.edit(Datastore::running, netconf_edit_xml(s.context(), tree));
    return;
  }
  const DataTree times = netconf_config_tree(s.context(), netconf_base_time(doc_, base), endpoint_.label());
  s.edit(Datastore::candidate, netconf_edit_xml(s.context(), times, false));
  // No <validate> here: the commit validates the candidate itself, and yuma123's netconfd
  // commits nothing when a <validate> came between the last edit and the commit.
  base_ = base;
  try {
    s.commit_confirmed(confirm_timeout_seconds, transaction);
  } catch (const NetconfError&) {
    // A reply lost with the transport may hide a commit that happened: abort() then cancels it
    // by its persist id from a new session.
    if (!s.up()) committed_ = true;
    throw;
  }
  committed_ = true;
}

std::vector<std::string> NetconfBridge::verify() {
  NetconfSession& s = session();
  const nlohmann::ordered_json desired = base_ ? netconf_with_base_time(doc_, *base_) : doc_;
  const DataTree want = netconf_config_tree(s.context(), desired, endpoint_.label());
  const DataTree running = s.get_config(Datastore::running);
  std::vector<std::string> out;
  for (auto& d : netconf_differences(want, running)) out.push_back(endpoint_.bridge + ": " + d);
  // Where the switch reports its oper state, the committed schedule must be pending or running.
  if (base_)
    for (auto& d : netconf_oper_problems(netconf_port_states(s.get(kInterfacesFilter))))
      out.push_back(endpoint_.bridge + ": " + d);
  return out;
}

void NetconfBridge::confirm(const std::string& transaction) {
  NetconfSession& s = session();
  if (!direct_) s.confirm_commit(transaction);
  committed_ = false;
  if (locked_) {
    s.unlock(direct_ ? Datastore::running : Datastore::candidate);
    locked_ = false;
  }
}

std::string NetconfBridge::abort(const std::string& transaction) {
  if (!session_) return "nothing-to-abort";
  if (!session_->up() && committed_ && !direct_) {
    // The persist id makes the confirmed commit cancellable from any session.
    session_.reset();
    try {
      open();
    } catch (const NetconfError& e) {
      throw NetconfError(fmt::format("{} (its confirmed commit reverts by itself at its timeout)", e.what()));
    }
  }
  NetconfSession& s = session();
  if (!s.up() && !committed_) {
    // Nothing was committed, and the server drops the candidate's lock with the session and,
    // with it, the changes made under that lock (RFC 6241 8.3.5.2).
    staged_ = locked_ = false;
    session_.reset();
    return "session-lost";
  }
  std::string outcome = "nothing-to-abort";
  if (direct_ && committed_) {
    try {
      const DataTree desired = netconf_config_tree(s.context(), doc_, endpoint_.label());
      s.edit(Datastore::running, netconf_restore_xml(s.context(), desired, backup_));
    } catch (const NetconfError& e) {
      throw NetconfError(fmt::format(
          "{}; its running configuration could not be put back, so it may switch to the new schedule at the base "
          "time (edit-running fallback: no automatic revert)",
          e.what()));
    }
    committed_ = false;
    outcome = "running-restored";
  } else if (committed_) {
    try {
      s.cancel_commit(transaction);
    } catch (const NetconfError& e) {
      throw NetconfError(fmt::format("{} (its confirmed commit reverts by itself at its timeout)", e.what()));
    }
    committed_ = false;
    outcome = "commit-cancelled";
  } else if (staged_) {
    if (!direct_) s.discard_changes();
    outcome = "staged-dropped";
  }
  staged_ = false;
  if (locked_) {
    s.unlock(direct_ ? Datastore::running : Datastore::candidate);
    locked_ = false;
  }
  return outcome;
}

std::vector<std::string> NetconfBridge::drift(Nanos hyperperiod) {
  if (!session_) check();
  NetconfSession& s = session();
  try {
    const DataTree want = netconf_config_tree(s.context(), netconf_without_base_time(doc_), endpoint_.label());
    const DataTree running = s.get_config(Datastore::running);
    std::vector<std::string> out;
    for (auto& d : netconf_differences(want, running)) out.push_back(endpoint_.bridge + ": " + d);
    for (auto& d : netconf_extra_entries(want, running)) out.push_back(endpoint_.bridge + ": " + d);
    for (auto& d : netconf_base_time_phase(want, running, hyperperiod)) out.push_back(endpoint_.bridge + ": " + d);
    return out;
  } catch (const NetconfError&) {
    // A broken transport is not lent out again; the next round opens a new session.
    if (!s.up()) session_.reset();
    throw;
  }
}

}  // namespace takt::southbound
