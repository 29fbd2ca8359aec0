#pragma once
// What a bridge's 802.1Qci stream filters discarded and what its 802.1CB recoveries eliminated
// and lost, read from the Prometheus text its agent serves (the takt_psfp_* and takt_frer_*
// families of takt-dataplane, and the protection reasons of takt_dataplane_dropped_frames_total).
// taktctl status shows it per bridge; streams with something to look at are listed one by one.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace takt::southbound {

struct StreamProtectionCounters {
  std::uint64_t psfp_matching = 0;
  std::map<std::string, std::uint64_t> psfp_discarded;  // by reason (stream-gate-closed, max-sdu-exceeded, ...)
  std::uint64_t frer_generated = 0;
  std::uint64_t frer_passed = 0;
  std::uint64_t frer_eliminated = 0;  // duplicates the recovery discarded
  std::uint64_t frer_out_of_order = 0;
  std::uint64_t frer_rogue = 0;
  std::uint64_t frer_lost = 0;
  std::uint64_t frer_tagless = 0;
  std::uint64_t frer_individual_discarded = 0;
  std::uint64_t frer_resets = 0;
  std::uint64_t frer_latent_errors = 0;  // signalled since start
  bool latent_error = false;             // signalled now

  std::uint64_t psfp_discarded_total() const;
  // Discards, losses or a latent error: worth a line of its own.
  bool troubled() const { return psfp_discarded_total() != 0 || frer_lost != 0 || frer_rogue != 0 || latent_error; }
};

struct ProtectionCounters {
  // Per stream label; "*" is the wildcard stream filters (frames no filter of their own stream matched).
  std::map<std::string, StreamProtectionCounters> streams;
  // Sums over every stream.
  StreamProtectionCounters total;
  // Per-port drops of the protection reasons, summed over the ports.
  std::uint64_t policed = 0;
  std::uint64_t frer_eliminated = 0;
  std::uint64_t r_tag_errors = 0;
  bool psfp = false;  // the exposition has stream filter counters
  bool frer = false;  // ... sequence generation or recovery counters
};

// nullopt when the exposition has no stream filter or FRER counters (no protection configured,
// or an agent without a packet path).
std::optional<ProtectionCounters> protection_counters(std::string_view prometheus_text);

// taktctl status's lines, indented by two: the stream filter discards by reason, the FRER
// totals and latent errors, then one line per stream with discards, losses or a latent error.
std::string protection_text(const ProtectionCounters& counters);
// {"psfp", "frer", "policed", "frer-eliminated", "r-tag-errors", "total": {...}, "streams": {stream: {...}}}
nlohmann::json protection_json(const ProtectionCounters& counters);

}  // namespace takt::southbound
