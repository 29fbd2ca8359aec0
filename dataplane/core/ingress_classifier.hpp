#pragma once
// Ingress classification, the per-frame half of a bridge's receive path: parse the layer-2
// header, identify the stream (802.1CB), learn the source address (best-effort frames only:
// streams travel on static entries), and look up the egress ports in the FDB.
//
// Frames of one burst often repeat the same header: a talker's burst, a flow of best-effort
// frames. When a frame's first 16 bytes (destination, source, and the outer tag or ethertype)
// equal those of the last frame classified in full in the same burst, its decision is reused
// without a parse or any table lookup. That is exact, not a cache that can go stale: within a
// burst `now` is one value, the outer tag decides VID and PCP, learning the same source again at
// the same time changes nothing, and only learning (which a repeat does not do) mutates the FDB.
// A decision by a static entry without learning (a stream's frames) holds at any time, so it is
// reused in the port's next bursts as well; a forwarder keeps one classifier per ingress port.
// IP stream identification looks past those 16 bytes, so with IP streams configured every frame
// is classified in full.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "dataplane/core/fdb.hpp"
#include "dataplane/core/frame.hpp"
#include "dataplane/core/stream_id.hpp"

namespace takt {

struct IngressDecision {
  bool valid = false;  // false: the layer-2 header is unusable, drop the frame
  StreamHandle stream = kNoStream;
  std::uint8_t pcp = 0;  // of the outermost tag; 0 untagged
  ForwardingDecision forwarding;
  // What learning the source did for this frame; not_learnable when it was not attempted
  // (a stream, a group source) and refreshed for a repeat of an already learned source.
  LearnResult learned = LearnResult::not_learnable;
  bool repeat = false;  // reused from the previous frame of the burst
};

class IngressClassifier {
 public:
  // Both must outlive the classifier; nothing else may change `fdb` during a burst.
  IngressClassifier(const StreamIdentifier& streams, Fdb& fdb)
      : streams_(streams), fdb_(fdb), repeats_allowed_(streams.ip_stream_count() == 0) {}

  // Every frame of a burst is classified with this ingress port and time. A decision that
  // neither learned nor looked at a learned entry (a static FDB entry, no learning: every stream
  // frame) does not depend on the time, so the next burst on the same port may repeat it too.
  void start_burst(PortId ingress, TaiTime now) {
    last_header_.valid_ = last_header_.valid_ && last_is_timeless_ && ingress == ingress_;
    ingress_ = ingress;
    now_ = now;
  }

  // `frame` starts at the destination MAC: at least its first buffer segment, which must hold
  // every header (the parse never reads past the span).
  IngressDecision classify(std::span<const std::byte> frame) {
    if (repeats_last(frame)) {
      IngressDecision d = last_;
      d.repeat = true;
      if (d.learned != LearnResult::not_learnable) d.learned = LearnResult::refreshed;
      return d;
    }
    return classify_new(frame);
  }

  // Whether a frame repeats the last frame classified in full, as classify() decides it, for a
  // loop that asks for many frames in a row: the header it compares with is held in two words
  // that stay in registers (a member would be loaded again after every store the loop makes).
  // Valid until the next classify_new() or start_burst().
  class Repeats {
   public:
    bool operator()(std::span<const std::byte> frame) const {
      // 22 bytes hold the largest tag stack the parser accepts (S-tag + C-tag + ethertype), so
      // a repeat can never be a truncated frame that the full parse would call malformed.
      if (!valid_ || frame.size() < kRepeatMinBytes) return false;
      std::uint64_t front = 0, back = 0;
      std::memcpy(&front, frame.data(), sizeof front);
      std::memcpy(&back, frame.data() + sizeof front, sizeof back);
      return front == front_ && back == back_;
    }

   private:
    friend class IngressClassifier;
    bool valid_ = false;
    std::uint64_t front_ = 0;  // the header's first eight bytes
    std::uint64_t back_ = 0;   // and the next eight
  };
  // Never valid while repeats are not allowed.
  Repeats repeats() const { return last_header_; }

  // The decision a repeat takes (classify() marks its copy as a repeat and a refresh): where a
  // burst's first frame repeats the port's last burst, the run it joins has this decision.
  const IngressDecision& last_decision() const { return last_; }

  // Whether classify(frame) would reuse the last decision (a repeat): a receive loop then takes
  // the frame into the current run without copying a decision it does not need.
  bool repeats_last(std::span<const std::byte> frame) const { return repeats()(frame); }

  // classify() for a frame repeats_last() has just said no to.
  IngressDecision classify_new(std::span<const std::byte> frame) {
    const IngressDecision d = classify_in_full(frame);
    // A full learning table is retried (and counted) for every frame, so it is not reused.
    last_header_.valid_ =
        repeats_allowed_ && frame.size() >= kRepeatMinBytes && d.valid && d.learned != LearnResult::table_full;
    if (last_header_.valid_) {
      std::memcpy(&last_header_.front_, frame.data(), sizeof last_header_.front_);
      std::memcpy(&last_header_.back_, frame.data() + sizeof last_header_.front_, sizeof last_header_.back_);
      last_ = d;
      // Static entries never age and learning never changes them (Fdb::lookup finds them first).
      last_is_timeless_ = d.learned == LearnResult::not_learnable && d.forwarding.kind == ForwardingKind::static_entry;
    }
    return d;
  }

 private:
  static constexpr std::size_t kRepeatMinBytes = 22;

  IngressDecision classify_in_full(std::span<const std::byte> frame) {
    IngressDecision d;
    const ParsedFrame f = parse_frame(frame);
    if (!f.layer2_valid()) return d;
    d.valid = true;
    d.pcp = f.pcp();
    d.stream = streams_.identify(f);
    if (d.stream == kNoStream && !f.source.is_group()) d.learned = fdb_.learn(f.source, f.vid(), ingress_, now_);
    d.forwarding = fdb_.lookup(f.destination, f.vid(), ingress_, now_);
    return d;
  }

  const StreamIdentifier& streams_;
  Fdb& fdb_;
  bool repeats_allowed_;
  PortId ingress_ = 0;
  TaiTime now_{};
  Repeats last_header_;            // of last_, valid when a frame may repeat it
  bool last_is_timeless_ = false;  // last_ holds in any later burst on the same port
  IngressDecision last_;
};

}  // namespace takt
