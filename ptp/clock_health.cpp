#include "ptp/clock_health.hpp"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "ptp/data_sets.hpp"
#include "ptp/management_client.hpp"

namespace takt::ptp {
namespace {

std::string port_label(const PortHealth& port) {
  return fmt::format("port {} ({})", port.port_identity.port_number, to_string(port.port_identity));
}

const PortHealth* first_in(const ClockHealth& health, PortState state) {
  const auto it =
      std::find_if(health.ports.begin(), health.ports.end(), [state](const PortHealth& p) { return p.state == state; });
  return it == health.ports.end() ? nullptr : &*it;
}

std::string port_states(const ClockHealth& health) {
  std::string out;
  for (const PortHealth& port : health.ports) {
    if (!out.empty()) out += ", ";
    out += fmt::format("port {} {}", port.port_identity.port_number, port_state_name(port.state));
  }
  return out;
}

}  // namespace

std::chrono::seconds ClockHealth::utc_offset() const {
  return current_utc_offset_valid ? std::chrono::seconds{current_utc_offset} : kDefaultUtcOffset;
}

bool ClockHealth::is_grandmaster() const {
  return grandmaster_identity == clock_identity && first_in(*this, PortState::master) != nullptr;
}

ClockHealth read_clock_health(PtpManagementClient& client) {
  ClockHealth h;
  const DefaultDataSet dds = client.default_data_set();
  h.clock_identity = dds.clock_identity;
  h.domain_number = dds.domain_number;
  for (const PortDataSet& p : client.port_data_sets()) {
    h.ports.push_back(PortHealth{p.port_identity, p.port_state, p.delay_mechanism, p.peer_mean_path_delay});
  }
  const TimeStatusNp status = client.time_status_np();
  h.offset_from_master = status.master_offset;
  h.last_sync_ingress = status.ingress_time;
  h.gm_present = status.gm_present;
  const CurrentDataSet current = client.current_data_set();
  h.mean_path_delay = current.mean_path_delay;
  h.steps_removed = current.steps_removed;
  h.grandmaster_identity = client.parent_data_set().grandmaster_identity;
  const TimePropertiesDataSet tp = client.time_properties_data_set();
  h.current_utc_offset = tp.current_utc_offset;
  h.current_utc_offset_valid = tp.current_utc_offset_valid;
  h.ptp_timescale = tp.ptp_timescale;
  h.time_source = tp.time_source;
  return h;
}

HealthAssessment assess(const ClockHealth& health, Nanos sync_budget) {
  if (health.ports.empty()) {
    return {false, "ptp4l reports no ports: check the interfaces it was started with (-i or [iface] sections)"};
  }
  if (const PortHealth* faulty = first_in(health, PortState::faulty)) {
    return {false, fmt::format("{} is FAULTY: ptp4l hit an error on that interface (link down? timestamping "
                               "mode not supported by the driver?); see ptp4l's log",
                               port_label(*faulty))};
  }
  if (const PortHealth* slave = first_in(health, PortState::slave)) {
    const std::int64_t offset = health.offset_from_master.count();
    if (std::llabs(offset) <= sync_budget.count()) {
      return {true,
              fmt::format("SLAVE on {} of grandmaster {}, offset from master {} ns within the {} ns "
                          "sync budget",
                          port_label(*slave), to_string(health.grandmaster_identity), offset, sync_budget.count())};
    }
    return {false, fmt::format("SLAVE on {}, but the offset from master is {} ns, beyond the {} ns sync budget: "
                               "the servo may still be converging (ask again), or timestamping is too coarse "
                               "for this budget (software timestamps?)",
                               port_label(*slave), offset, sync_budget.count())};
  }
  if (health.is_grandmaster()) {
    return {true, fmt::format("grandmaster: this clock ({}) serves the domain ({})", to_string(health.clock_identity),
                              port_states(health))};
  }
  if (const PortHealth* uncalibrated = first_in(health, PortState::uncalibrated)) {
    return {false, fmt::format("{} is UNCALIBRATED: it follows grandmaster {} but the servo has not locked "
                               "(offset from master {} ns); a ptp4l with free_running 1 stays there until it is "
                               "sent SET SYNCHRONIZATION_UNCERTAIN_NP 0 (takt-pmc --set-sync-uncertain)",
                               port_label(*uncalibrated), to_string(health.grandmaster_identity),
                               health.offset_from_master.count())};
  }
  if (const PortHealth* master = first_in(health, PortState::master)) {
    return {false, fmt::format("{} is MASTER but the grandmaster is {}, not this clock, and no port is SLAVE: "
                               "the clock is between states; ask again",
                               port_label(*master), to_string(health.grandmaster_identity))};
  }
  return {false, fmt::format("no port is SLAVE or MASTER ({}): ptp4l hears no Announce from a master yet; check "
                             "the link, and that domainNumber ({}) and transportSpecific match the other clocks",
                             port_states(health), health.domain_number)};
}

std::string to_text(const ClockHealth& h) {
  std::string out = fmt::format("clock {} domain {}\n", to_string(h.clock_identity), h.domain_number);
  for (const PortHealth& port : h.ports) {
    out += fmt::format("port {}: {} ({})", to_string(port.port_identity), port_state_name(port.state),
                       delay_mechanism_name(port.delay_mechanism));
    if (port.delay_mechanism == 2)
      out += fmt::format(", peer mean path delay {} ns", port.peer_mean_path_delay.count());
    out += '\n';
  }
  out += fmt::format("offset from master: {} ns\n", h.offset_from_master.count());
  out += fmt::format("mean path delay: {} ns\n", h.mean_path_delay.count());
  out += fmt::format("steps removed: {}\n", h.steps_removed);
  out += fmt::format("grandmaster: {}{} (gmPresent {})\n", to_string(h.grandmaster_identity),
                     h.grandmaster_identity == h.clock_identity ? " = this clock" : "", h.gm_present ? "yes" : "no");
  out += fmt::format("UTC offset: {} s (currentUtcOffset {}, valid {}, ptpTimescale {})\n", h.utc_offset().count(),
                     h.current_utc_offset, h.current_utc_offset_valid ? "yes" : "no", h.ptp_timescale ? "yes" : "no");
  return out;
}

void to_json(nlohmann::json& j, const PortHealth& port) {
  j = nlohmann::json{{"port_number", port.port_identity.port_number},
                     {"port_identity", to_string(port.port_identity)},
                     {"state", port_state_name(port.state)},
                     {"delay_mechanism", delay_mechanism_name(port.delay_mechanism)},
                     {"peer_mean_path_delay_ns", port.peer_mean_path_delay.count()}};
}

void to_json(nlohmann::json& j, const ClockHealth& h) {
  j = nlohmann::json{{"clock_identity", to_string(h.clock_identity)},
                     {"domain_number", h.domain_number},
                     {"ports", h.ports},
                     {"offset_from_master_ns", h.offset_from_master.count()},
                     {"last_sync_ingress_ns", h.last_sync_ingress.count()},
                     {"mean_path_delay_ns", h.mean_path_delay.count()},
                     {"steps_removed", h.steps_removed},
                     {"grandmaster_identity", to_string(h.grandmaster_identity)},
                     {"gm_present", h.gm_present},
                     {"is_grandmaster", h.is_grandmaster()},
                     {"current_utc_offset_s", h.current_utc_offset},
                     {"current_utc_offset_valid", h.current_utc_offset_valid},
                     {"utc_offset_s", h.utc_offset().count()},
                     {"ptp_timescale", h.ptp_timescale},
                     {"time_source", h.time_source}};
}

void to_json(nlohmann::json& j, const HealthAssessment& a) { j = nlohmann::json{{"ok", a.ok}, {"reason", a.reason}}; }

}  // namespace takt::ptp
