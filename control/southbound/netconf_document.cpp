#include "control/southbound/netconf_document.hpp"

#include <libyang/libyang.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace takt::southbound {

namespace {

constexpr const char* kInterfaces = "ietf-interfaces:interfaces";
constexpr const char* kBridgePort = "ieee802-dot1q-bridge:bridge-port";
constexpr const char* kGateTable = "ieee802-dot1q-sched-bridge:gate-parameter-table";

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};
using CString = std::unique_ptr<char, FreeDeleter>;

// `tree` and its siblings as one line of XML, the <config> of an edit-config.
std::string xml_of(const DataTree& tree, const char* what) {
  char* xml = nullptr;
  if (lyd_print_mem(&xml, tree.get(), LYD_XML, LYD_PRINT_WITHSIBLINGS | LYD_PRINT_SHRINK) != LY_SUCCESS)
    throw NetconfError(fmt::format("cannot print {} as XML", what));
  CString owned(xml);
  return xml ? std::string(xml) : std::string();
}

bool is_gate_table(const lyd_node* n) {
  return n->schema && std::strcmp(n->schema->name, "gate-parameter-table") == 0 &&
         std::strcmp(n->schema->module->name, "ieee802-dot1q-sched-bridge") == 0;
}

// The interfaces of `doc` that carry a gate table, each as {name, type, gate table}.
template <class Each>
void for_each_gate_table(const nlohmann::ordered_json& doc, Each&& each) {
  if (!doc.contains(kInterfaces) || !doc[kInterfaces].contains("interface")) return;
  for (const auto& i : doc[kInterfaces]["interface"]) {
    if (!i.contains(kBridgePort) || !i[kBridgePort].contains(kGateTable)) continue;
    each(i, i[kBridgePort][kGateTable]);
  }
}

nlohmann::ordered_json interface_with(const nlohmann::ordered_json& i, nlohmann::ordered_json table) {
  nlohmann::ordered_json out;
  out["name"] = i.at("name");
  if (i.contains("type")) out["type"] = i["type"];
  out[kBridgePort][kGateTable] = std::move(table);
  return out;
}

}  // namespace

std::vector<std::string> netconf_modules_needed(const nlohmann::ordered_json& doc, NetconfContent content) {
  std::vector<std::string> modules{"ieee802-dot1q-sched-bridge"};
  if (content == NetconfContent::schedule) return modules;
  if (doc.contains("ieee802-dot1q-bridge:bridges")) {
    const std::string text = doc["ieee802-dot1q-bridge:bridges"].dump();
    if (text.find("ieee802-dot1q-psfp-bridge:") != std::string::npos) modules.push_back("ieee802-dot1q-psfp-bridge");
  }
  if (doc.contains("ieee802-dot1cb-stream-identification:stream-identity"))
    modules.push_back("ieee802-dot1cb-stream-identification");
  if (doc.contains("ieee802-dot1cb-frer:frer")) modules.push_back("ieee802-dot1cb-frer");
  return modules;
}

nlohmann::ordered_json netconf_content(const nlohmann::ordered_json& doc, NetconfContent content) {
  if (content == NetconfContent::all) return doc;
  nlohmann::ordered_json interfaces = nlohmann::ordered_json::array();
  for_each_gate_table(doc, [&](const nlohmann::ordered_json& i, const nlohmann::ordered_json& table) {
    interfaces.push_back(interface_with(i, table));
  });
  nlohmann::ordered_json out;
  out[kInterfaces]["interface"] = std::move(interfaces);
  return out;
}

namespace {

nlohmann::ordered_json ptp_time(TaiTime t) {
  const std::int64_t ns = ns_of(t);
  nlohmann::ordered_json time;
  time["seconds"] = std::to_string(ns / 1'000'000'000);  // uint64: a string in RFC 7951
  time["nanoseconds"] = ns % 1'000'000'000;
  return time;
}

}  // namespace

nlohmann::ordered_json netconf_with_base_time(nlohmann::ordered_json doc, TaiTime base) {
  if (!doc.contains(kInterfaces) || !doc[kInterfaces].contains("interface")) return doc;
  for (auto& i : doc[kInterfaces]["interface"]) {
    if (!i.contains(kBridgePort) || !i[kBridgePort].contains(kGateTable)) continue;
    auto& table = i[kBridgePort][kGateTable];
    table["admin-base-time"] = ptp_time(base);
    table["config-change"] = true;
  }
  return doc;
}

nlohmann::ordered_json netconf_base_time(const nlohmann::ordered_json& doc, TaiTime base) {
  const nlohmann::ordered_json time = ptp_time(base);
  nlohmann::ordered_json interfaces = nlohmann::ordered_json::array();
  for_each_gate_table(doc, [&](const nlohmann::ordered_json& i, const nlohmann::ordered_json&) {
    nlohmann::ordered_json table;
    table["admin-base-time"] = time;
    table["config-change"] = true;
    interfaces.push_back(interface_with(i, std::move(table)));
  });
  nlohmann::ordered_json out;
  out[kInterfaces]["interface"] = std::move(interfaces);
  return out;
}

nlohmann::ordered_json netconf_without_base_time(nlohmann::ordered_json doc) {
  if (!doc.contains(kInterfaces) || !doc[kInterfaces].contains("interface")) return doc;
  for (auto& i : doc[kInterfaces]["interface"]) {
    if (!i.contains(kBridgePort) || !i[kBridgePort].contains(kGateTable)) continue;
    auto& table = i[kBridgePort][kGateTable];
    table.erase("admin-base-time");
    table.erase("config-change");
  }
  return doc;
}

DataTree netconf_config_tree(ly_ctx* context, const nlohmann::ordered_json& doc, const std::string& peer) {
  const std::string text = doc.dump();
  lyd_node* tree = nullptr;
  // Strict: a node the server's models lack is an error here, before anything is sent. Parse
  // only: the server validates the whole candidate.
  if (lyd_parse_data_mem(context, text.c_str(), LYD_JSON, LYD_PARSE_ONLY | LYD_PARSE_STRICT, 0, &tree) != LY_SUCCESS) {
    lyd_free_all(tree);
    const char* why = ly_errmsg(context);
    const char* path = ly_errpath(context);
    throw NetconfError(fmt::format("{}: the plan does not fit the bridge's YANG models: {}{}", peer,
                                   why ? why : "parse error", path ? fmt::format(" (at {})", path) : ""));
  }
  DataTree owned(tree);
  // State leaves (supported-list-max and the like in some revisions) are the bridge's to report.
  std::vector<lyd_node*> state;
  for (lyd_node* top = tree; top; top = top->next) {
    lyd_node* elem;
    LYD_TREE_DFS_BEGIN(top, elem) {
      if (elem->schema && (elem->schema->flags & LYS_CONFIG_R)) {
        state.push_back(elem);
        LYD_TREE_DFS_continue = 1;
      }
      LYD_TREE_DFS_END(top, elem);
    }
  }
  for (lyd_node* n : state) {
    if (n == owned.get()) owned.release(), owned.reset(n->next);
    lyd_free_tree(n);
  }
  return owned;
}

std::string netconf_edit_xml(ly_ctx* context, const DataTree& tree, bool replace_gate_tables) {
  if (replace_gate_tables) {
    for (lyd_node* top = tree.get(); top; top = top->next) {
      lyd_node* elem;
      LYD_TREE_DFS_BEGIN(top, elem) {
        if (is_gate_table(elem)) {
          if (lyd_new_meta(context, elem, nullptr, "ietf-netconf:operation", "replace", 0, nullptr) != LY_SUCCESS)
            throw NetconfError("cannot mark a gate table replace: the server's context lacks ietf-netconf");
          LYD_TREE_DFS_continue = 1;
        }
        LYD_TREE_DFS_END(top, elem);
      }
    }
  }
  return xml_of(tree, "the configuration");
}

std::vector<std::string> netconf_differences(const DataTree& desired, const DataTree& running) {
  std::vector<std::string> out;
  for (const lyd_node* top = desired.get(); top; top = top->next) {
    const lyd_node* elem;
    LYD_TREE_DFS_BEGIN(top, elem) {
      if (elem->schema && (elem->schema->nodetype & (LYS_LEAF | LYS_LEAFLIST))) {
        CString path(lyd_path(elem, LYD_PATH_STD, nullptr, 0));
        const char* want = lyd_get_value(elem);
        lyd_node* match = nullptr;
        if (!running || lyd_find_path(running.get(), path.get(), 0, &match) != LY_SUCCESS || !match)
          out.push_back(fmt::format("{}: missing, want {}", path.get(), want ? want : ""));
        else if (const char* is = lyd_get_value(match); std::strcmp(is ? is : "", want ? want : "") != 0)
          out.push_back(fmt::format("{}: is {}, want {}", path.get(), is ? is : "", want ? want : ""));
      }
      LYD_TREE_DFS_END(top, elem);
    }
  }
  return out;
}

namespace {

// The gate tables of `tree`, depth first.
std::vector<const lyd_node*> gate_tables(const DataTree& tree) {
  std::vector<const lyd_node*> out;
  for (const lyd_node* top = tree.get(); top; top = top->next) {
    const lyd_node* elem;
    LYD_TREE_DFS_BEGIN(top, elem) {
      if (is_gate_table(elem)) {
        out.push_back(elem);
        LYD_TREE_DFS_continue = 1;
      }
      LYD_TREE_DFS_END(top, elem);
    }
  }
  return out;
}

const lyd_node* child_named(const lyd_node* parent, const char* name) {
  for (const lyd_node* c = lyd_child(parent); c; c = c->next)
    if (c->schema && std::strcmp(c->schema->name, name) == 0) return c;
  return nullptr;
}

const lyd_node* find(const DataTree& tree, const char* path) {
  lyd_node* match = nullptr;
  if (!tree || lyd_find_path(tree.get(), path, 0, &match) != LY_SUCCESS) return nullptr;
  return match;
}

}  // namespace

std::string netconf_restore_xml(ly_ctx* context, const DataTree& desired, const DataTree& backup) {
  DataTree edit;
  auto append = [&](lyd_node* node, const char* operation) {
    if (lyd_new_meta(context, node, nullptr, "ietf-netconf:operation", operation, 0, nullptr) != LY_SUCCESS) {
      lyd_free_tree(node);
      throw NetconfError("cannot mark a restore: the server's context lacks ietf-netconf");
    }
    if (!edit) {
      edit.reset(node);
    } else if (lyd_insert_sibling(edit.get(), node, nullptr) != LY_SUCCESS) {
      lyd_free_tree(node);
      throw NetconfError("cannot build the restore");
    }
  };
  for (const lyd_node* top = desired.get(); top; top = top->next) {
    CString path(lyd_path(top, LYD_PATH_STD, nullptr, 0));
    lyd_node* copy = nullptr;
    if (const lyd_node* old = find(backup, path.get())) {
      if (lyd_dup_single(old, nullptr, LYD_DUP_RECURSIVE, &copy) != LY_SUCCESS)
        throw NetconfError("cannot copy the configuration to restore");
      append(copy, "replace");
    } else {
      // Only the node (a list entry keeps its keys): removing it removes what the install added.
      if (lyd_dup_single(top, nullptr, 0, &copy) != LY_SUCCESS) throw NetconfError("cannot build the restore");
      append(copy, "remove");
    }
  }
  if (!edit) return {};
  return xml_of(edit, "the restore");
}

std::vector<std::string> netconf_extra_entries(const DataTree& desired, const DataTree& running) {
  std::vector<std::string> out;
  for (const lyd_node* table : gate_tables(running)) {
    CString table_path(lyd_path(table, LYD_PATH_STD, nullptr, 0));
    if (!find(desired, table_path.get())) continue;  // not ours to judge
    const lyd_node* elem;
    LYD_TREE_DFS_BEGIN(table, elem) {
      if (elem != table && elem->schema && elem->schema->nodetype == LYS_LIST) {
        CString path(lyd_path(elem, LYD_PATH_STD, nullptr, 0));
        if (!find(desired, path.get())) {
          out.push_back(fmt::format("{}: not in the plan", path.get()));
          LYD_TREE_DFS_continue = 1;
        }
      }
      LYD_TREE_DFS_END(table, elem);
    }
  }
  return out;
}

std::vector<std::string> netconf_base_time_phase(const DataTree& desired, const DataTree& running, Nanos hyperperiod) {
  std::vector<std::string> out;
  if (hyperperiod.count() <= 0) return out;
  for (const lyd_node* table : gate_tables(desired)) {
    CString table_path(lyd_path(table, LYD_PATH_STD, nullptr, 0));
    const std::string base_path = std::string(table_path.get()) + "/admin-base-time";
    const lyd_node* base = find(running, base_path.c_str());
    const lyd_node* seconds = base ? child_named(base, "seconds") : nullptr;
    const lyd_node* nanoseconds = base ? child_named(base, "nanoseconds") : nullptr;
    if (!seconds || !nanoseconds) {
      out.push_back(fmt::format("{}: missing", base_path));
      continue;
    }
    const char* s = lyd_get_value(seconds);
    const char* n = lyd_get_value(nanoseconds);
    const long long whole = std::strtoll(s ? s : "0", nullptr, 10);
    // The server's value is bounded before it is scaled: 9e9 s (year 2255) is past any base time.
    if (whole < 0 || whole > 9'000'000'000LL) {
      out.push_back(fmt::format("{}: {} s is past any base time takt sets", base_path, whole));
      continue;
    }
    const std::int64_t ns = whole * 1'000'000'000LL + std::strtoll(n ? n : "0", nullptr, 10);
    if (ns % hyperperiod.count() != 0)
      out.push_back(fmt::format("{}: {} ns is off the hyperperiod grid of {} ns", base_path, ns, hyperperiod.count()));
  }
  return out;
}

}  // namespace takt::southbound
