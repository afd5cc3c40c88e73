// SPDX-License-Identifier: MIT
// AppHarness: runs sim apps (coroutines over the socket facade) on the two hosts of a HostPair, with a small
// event loop in virtual time — the simulator's contract for AppEnv in miniature, without links or a
// scheduler:
//   - frames a NIC transmits arrive at the other host `delay` later (in order);
//   - after every frame delivered and every timer fired, an app waiting for its socket is resumed once
//     poll(fd) shows what it waits for (or an error), and a waiting app whose deadline has come is resumed;
//   - time jumps to the earliest of: the next frame arrival, an app's deadline, either host's
//   next_deadline().
// Apps are never resumed inside the stack (BLUEPRINT rule 4): only between stack calls.
//
//   AppHarness h(link_delay(10ms));
//   auto& echo = h.start('b', spec);            // through the app registry
//   auto& app = h.start('a', [](AppEnv& env) { return my_app(env); });   // any Task<AppResult>
//   h.run_until(at(5s));
//   EXPECT_TRUE(app.done());
#pragma once

#include <gtest/gtest.h>

#include <concepts>
#include <coroutine>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <ostream>
#include <vector>

#include "sim/apps/app_env.hpp"
#include "sim/apps/app_registry.hpp"
#include "sim/apps/task.hpp"
#include "stack/core/time.hpp"
#include "tests/support/host_pair.hpp"

namespace strata::core {
/// gtest prints an Instant as nanoseconds since the start of the run (found by ADL through StackClock).
inline void PrintTo(Instant t, std::ostream* os) {
  *os << to_ns(t) << " ns";
}
}  // namespace strata::core

namespace strata::test {

/// An instant `d` after the start of the run.
inline core::Instant at(core::Duration d) {
  return core::Instant(d);
}
/// HostPair options with a one-way link delay (designated initializers would trip
/// -Wmissing-field-initializers).
inline HostPair::Options link_delay(core::Duration d) {
  HostPair::Options o;
  o.delay = d;
  return o;
}
/// An AppResult saying only ok or not (for test apps).
inline sim::apps::AppResult app_result(bool ok) {
  sim::apps::AppResult r;
  r.ok = ok;
  return r;
}

class AppHarness {
 public:
  /// No loop runs longer than this many steps (an app or a stack that never settles is a bug).
  static constexpr std::size_t kMaxSteps = 1'000'000;

  /// One app on one host: the AppEnv it sees, its task, and when it started and finished.
  class App final : public sim::apps::AppEnv {
   public:
    App(AppHarness& harness, Host& host, std::uint64_t seed) : harness_(harness), host_(host), seed_(seed) {}
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // AppEnv
    socket::SocketApi& sockets() override { return host_.sockets(); }
    core::Instant now() const override { return harness_.now(); }
    std::uint64_t seed() const override { return seed_; }
    void wait(std::coroutine_handle<> h, int fd, short events,
              std::optional<core::Instant> deadline) override {
      EXPECT_FALSE(waiting_) << "an app waits twice at once";
      waiting_ = h;
      fd_ = fd;
      events_ = events;
      deadline_ = deadline;
    }

    bool done() const { return task_.done(); }
    /// The final result (the app must be done).
    const sim::apps::AppResult& result() const { return task_.result(); }
    /// What a running app has published so far (the final result once done).
    sim::apps::AppResult partial() const { return task_.partial(); }
    core::Instant started_at() const { return started_; }
    std::optional<core::Instant> finished_at() const { return finished_; }
    bool waiting() const { return static_cast<bool>(waiting_); }
    Host& host() { return host_; }
    /// Destroys the app's frames now (as a run that ends does); its sockets close.
    void stop() {
      waiting_ = {};
      task_.reset();
    }

   private:
    friend class AppHarness;
    void begin(sim::apps::Task<sim::apps::AppResult> task) {
      task_ = std::move(task);
      started_ = harness_.now();
      task_.start();
      note_done();
    }
    bool ready() const {
      if (!waiting_) return false;
      if (deadline_ && *deadline_ <= harness_.now()) return true;
      if (fd_ < 0) return false;
      auto r = host_.sockets().poll(fd_);
      return !r.ok() || (r.value() & (events_ | socket::kPollErr)) != 0;
    }
    void resume() {
      auto h = std::exchange(waiting_, {});
      h.resume();
      note_done();
    }
    void note_done() {
      if (task_.done() && !finished_) finished_ = harness_.now();
    }

    AppHarness& harness_;
    Host& host_;
    std::uint64_t seed_;
    std::coroutine_handle<> waiting_;
    int fd_ = -1;
    short events_ = 0;
    std::optional<core::Instant> deadline_;
    core::Instant started_{};
    std::optional<core::Instant> finished_;
    sim::apps::Task<sim::apps::AppResult> task_;  // last: destroyed first, while the env is whole
  };

  AppHarness() : AppHarness(HostPair::Options{}) {}
  explicit AppHarness(HostPair::Options options, std::uint64_t seed = 42)
      : delay_(options.delay), seed_(seed), pair_(std::move(options)) {}
  AppHarness(const AppHarness&) = delete;
  AppHarness& operator=(const AppHarness&) = delete;

  HostPair& pair() { return pair_; }
  Host& host(char which) { return which == 'a' ? pair_.a() : pair_.b(); }
  core::Instant now() const { return now_; }
  /// Frames carried so far (both ways).
  std::size_t frames_carried() const { return carried_; }

  /// Starts an app now, from anything that makes a Task<AppResult> out of an AppEnv& (a captureless lambda or
  /// a function: a lambda's captures would not outlive the call).
  template <class Make>
  requires std::invocable<Make&, sim::apps::AppEnv&> App& start(char which, Make&& make) {
    auto app = std::make_unique<App>(*this, host(which), seed_ * 1000 + apps_.size());
    App& ref = *app;
    apps_.push_back(std::move(app));
    advance_hosts();
    ref.begin(make(static_cast<sim::apps::AppEnv&>(ref)));
    return ref;
  }
  /// Starts a registered app kind now.
  App& start(char which, const sim::net::AppSpec& spec) {
    return start(which, [&spec](sim::apps::AppEnv& env) { return sim::apps::start_app(env, spec); });
  }

  /// Runs events up to and including `t`, then moves the clock to `t`.
  void run_until(core::Instant t) {
    std::size_t steps = 0;
    while (step(t))
      if (++steps == kMaxSteps) {
        ADD_FAILURE() << "AppHarness::run_until: still busy after " << kMaxSteps << " steps";
        return;
      }
    if (t > now_) {
      now_ = t;
      advance_hosts();
      settle();
    }
  }
  /// Runs until `app` is done or `limit` comes; true when it is done.
  bool run_until_done(const App& app, core::Instant limit) {
    std::size_t steps = 0;
    while (!app.done() && step(limit))
      if (++steps == kMaxSteps) break;
    return app.done();
  }

 private:
  struct InFlight {
    core::Instant arrive;
    char to;
    core::PacketBuf frame;
  };

  void advance_hosts() {
    pair_.a().advance(now_);
    pair_.b().advance(now_);
  }

  /// At the current instant: carry what the NICs sent, deliver what has arrived, resume the apps that are
  /// ready; again until nothing moves.
  void settle() {
    for (std::size_t round = 0;; ++round) {
      if (round == kMaxSteps) {
        ADD_FAILURE() << "AppHarness::settle: no rest at one instant";
        return;
      }
      bool moved = false;
      while (auto f = pair_.nic_a().take()) in_flight_.push_back(InFlight{now_ + delay_, 'b', std::move(*f)});
      while (auto f = pair_.nic_b().take()) in_flight_.push_back(InFlight{now_ + delay_, 'a', std::move(*f)});
      while (!in_flight_.empty() && in_flight_.front().arrive <= now_) {
        InFlight f = std::move(in_flight_.front());
        in_flight_.pop_front();
        if (f.to == 'a')
          (void)pair_.a().handle_frame(pair_.nic_id_a(), f.frame.bytes(), now_);
        else
          (void)pair_.b().handle_frame(pair_.nic_id_b(), f.frame.bytes(), now_);
        ++carried_;
        moved = true;
      }
      for (std::size_t i = 0; i < apps_.size(); ++i) {  // by index: an app may start another
        if (apps_[i]->ready()) {
          apps_[i]->resume();
          moved = true;
        }
      }
      if (!moved) return;
    }
  }

  /// Settles, then jumps to the next instant something happens (not beyond `limit`). False when nothing
  /// is due by then.
  bool step(core::Instant limit) {
    settle();
    std::optional<core::Instant> next;
    auto consider = [&](std::optional<core::Instant> t) {
      if (t && (!next || *t < *next)) next = t;
    };
    if (!in_flight_.empty()) consider(in_flight_.front().arrive);
    for (const auto& app : apps_)
      if (app->waiting_) consider(app->deadline_);
    for (Host* h : {&pair_.a(), &pair_.b()}) {
      auto d = h->next_deadline();
      if (d && *d <= now_) d = now_ + core::Duration(1);  // advance(now) already took what was due
      consider(d);
    }
    if (!next || *next > limit) return false;
    if (*next > now_) now_ = *next;
    advance_hosts();
    settle();
    return true;
  }

  core::Duration delay_;
  std::uint64_t seed_;
  core::Instant now_{};
  std::size_t carried_ = 0;
  HostPair pair_;
  std::deque<InFlight> in_flight_;          // after pair_: its frames hold slots of pair_'s pool
  std::vector<std::unique_ptr<App>> apps_;  // last: apps close their sockets while the hosts still exist
};

}  // namespace strata::test
