// SPDX-License-Identifier: MIT
// What every layer of one host shares: counters, the tracer, the packet pool, the rng. The one place a drop
// is counted, traced and recorded as the frame's verdict, so counters, traces and `strata.reason` agree.
#pragma once

#include "stack/core/counters.hpp"
#include "stack/core/packet_buf.hpp"
#include "stack/core/rng.hpp"
#include "stack/core/trace.hpp"

namespace strata::core {

struct StackContext {
  explicit StackContext(BufferPool& p, std::uint64_t seed = 0) : pool(p), rng(seed) {}
  BufferPool& pool;
  Counters counters;
  Tracer tracer;
  Rng rng;
  std::uint64_t next_packet_id = 1;

  PacketId new_packet_id() { return PacketId{next_packet_id++}; }

  /// A received frame climbs into `layer`: it becomes the highest layer that handled it.
  void enter(RxFrame& f, Layer layer, Counter c, Bytes at = {}) {
    f.top = layer;
    counters.inc(c);
    if (tracer.on()) [[unlikely]]
      tracer.packet(f.now, layer, Dir::Rx, TraceKind::Deliver, f.id, at.empty() ? f.bytes : at, f.marks,
                    Reason::None, f.nic);
  }
  /// The single call site for receive drops.
  void drop(RxFrame& f, Layer layer, Reason r) {
    f.top = layer;
    f.verdict = Verdict::Drop;
    f.reason = r;
    counters.drop(r);
    if (tracer.on()) [[unlikely]]
      tracer.packet(f.now, layer, Dir::Rx, TraceKind::Drop, f.id, f.bytes, f.marks, r, f.nic);
  }
  /// Drops on the send path (no received frame involved).
  void drop_tx(Instant now, Layer layer, Reason r, const PacketBuf* p = nullptr) {
    counters.drop(r);
    if (tracer.on()) [[unlikely]]
      tracer.packet(now, layer, Dir::Tx, TraceKind::Drop, p ? p->id : PacketId{}, p ? p->bytes() : Bytes{},
                    p ? p->marks() : LayerMarks{}, r);
  }
  void sent(Instant now, Layer layer, Counter c, const PacketBuf& p, NicId nic = {}) {
    counters.inc(c);
    if (tracer.on()) [[unlikely]]
      tracer.packet(now, layer, Dir::Tx, TraceKind::Send, p.id, p.bytes(), p.marks(), Reason::None, nic);
  }
};

}  // namespace strata::core
