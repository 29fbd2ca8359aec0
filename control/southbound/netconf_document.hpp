#pragma once
// A bridge's plan as NETCONF content: the RFC 7951 document `taktctl plan` writes to
// yang/<bridge>.json (ieee802-dot1q-sched-bridge gate tables, and stream protection), parsed in
// the server's own YANG context, state leaves dropped, each gate table marked replace so a
// shorter new list leaves no old entries behind; the base time set at commit; and the read back
// running configuration compared leaf by leaf with what was sent.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "control/southbound/agent_endpoint.hpp"
#include "control/southbound/netconf_session.hpp"
#include "dataplane/core/time.hpp"

namespace takt::southbound {

// The modules a server must implement to take `doc` with that content (sched-bridge always).
std::vector<std::string> netconf_modules_needed(const nlohmann::ordered_json& doc, NetconfContent content);

// `doc` cut to what `content` installs: for `schedule`, only the interfaces' gate tables.
nlohmann::ordered_json netconf_content(const nlohmann::ordered_json& doc, NetconfContent content);

// Only the base time: admin-base-time = `base` and config-change true on every gate table of
// `doc`, the rest of each interface left as it is (merged).
nlohmann::ordered_json netconf_base_time(const nlohmann::ordered_json& doc, TaiTime base);

// `doc` with the base time set in place on every gate table: what runs after the commit.
nlohmann::ordered_json netconf_with_base_time(nlohmann::ordered_json doc, TaiTime base);

// `doc` without what every install sets anew (each gate table's admin-base-time and
// config-change): what a bridge running the plan holds whatever base time it was given.
nlohmann::ordered_json netconf_without_base_time(nlohmann::ordered_json doc);

// `doc` as a configuration tree of `context`, without state (config false) nodes. Throws
// NetconfError naming `peer` and what the server's models do not have.
DataTree netconf_config_tree(ly_ctx* context, const nlohmann::ordered_json& doc, const std::string& peer);

// The <config> content of an edit-config: `tree` as XML, every gate-parameter-table replaced.
std::string netconf_edit_xml(ly_ctx* context, const DataTree& tree, bool replace_gate_tables = true);

// Every leaf of `desired` that `running` does not have with the same value, as "PATH: is X,
// want Y" or "PATH: missing, want Y". Empty when running holds all of desired.
std::vector<std::string> netconf_differences(const DataTree& desired, const DataTree& running);

// The <config> of an edit-config that puts back what `backup` (running before the install) held
// for each top-level node of `desired`: the node as it was, replaced whole, or removed when it
// was not there. The edit-running fallback's undo.
std::string netconf_restore_xml(ly_ctx* context, const DataTree& desired, const DataTree& backup);

// Entries of `running`'s gate control lists that `desired` lacks, as "PATH: not in the plan",
// for the gate tables `desired` has: a table is installed whole, so an extra entry is drift.
std::vector<std::string> netconf_extra_entries(const DataTree& desired, const DataTree& running);

// For each gate table of `desired`, whether `running`'s admin-base-time lies on the
// `hyperperiod` grid that every install picks its base time on; one that does not ("PATH: X ns
// is off the hyperperiod grid of H ns") runs its cycle out of phase with the other bridges.
// A missing base time is reported too. Nothing when `hyperperiod` is 0.
std::vector<std::string> netconf_base_time_phase(const DataTree& desired, const DataTree& running, Nanos hyperperiod);

}  // namespace takt::southbound
