// SPDX-License-Identifier: MIT
#include "sim/apps/task.hpp"

#include <gtest/gtest.h>

#include <coroutine>
#include <string>
#include <vector>

namespace strata::sim::apps {
namespace {

/// Suspends and leaves its handle where the test can resume it (a stand-in for AppEnv::wait).
struct Parked {
  std::coroutine_handle<>* slot;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const noexcept { *slot = h; }
  void await_resume() const noexcept {}
};

/// Sets a flag when destroyed: shows a coroutine frame's locals were destroyed.
struct DestroyFlag {
  bool* destroyed;
  ~DestroyFlag() { *destroyed = true; }
};

Task<int> constant(int v) {
  co_return v;
}

Task<int> sum_of_two(int a, int b) {
  const int x = co_await constant(a);
  const int y = co_await constant(b);
  co_return x + y;
}

Task<std::string> describe(int a, int b) {
  const int s = co_await sum_of_two(a, b);
  co_return "sum " + std::to_string(s);
}

TEST(Task, DoesNotRunUntilStarted) {
  std::vector<int> trace;
  auto body = [](std::vector<int>* t) -> Task<int> {
    t->push_back(1);
    co_return 7;
  };
  Task<int> task = body(&trace);
  EXPECT_TRUE(trace.empty());
  EXPECT_FALSE(task.done());
  task.start();
  EXPECT_EQ(trace, std::vector<int>{1});
  ASSERT_TRUE(task.done());
  EXPECT_EQ(task.result(), 7);
}

TEST(Task, NestedAwaitsYieldTheirResults) {
  Task<std::string> task = describe(20, 22);
  task.start();
  ASSERT_TRUE(task.done());
  EXPECT_EQ(task.take_result(), "sum 42");
}

Task<int> parked_value(std::coroutine_handle<>* slot, int v) {
  co_await Parked{slot};
  co_return v;
}

Task<int> waits_on_child(std::coroutine_handle<>* slot, std::vector<int>* trace) {
  trace->push_back(1);
  const int v = co_await parked_value(slot, 5);
  trace->push_back(2);
  co_return v * 2;
}

TEST(Task, ResumingASuspendedSubtaskContinuesItsParent) {
  std::coroutine_handle<> parked;
  std::vector<int> trace;
  Task<int> task = waits_on_child(&parked, &trace);
  task.start();
  EXPECT_FALSE(task.done());
  ASSERT_TRUE(parked);
  EXPECT_EQ(trace, std::vector<int>{1});
  parked.resume();  // what a runner does: it resumes the innermost handle it was given
  ASSERT_TRUE(task.done());
  EXPECT_EQ(trace, (std::vector<int>{1, 2}));
  EXPECT_EQ(task.result(), 10);
}

Task<void> child_with_local(std::coroutine_handle<>* slot, bool* destroyed) {
  DestroyFlag flag{destroyed};
  co_await Parked{slot};
}

Task<int> parent_with_local(std::coroutine_handle<>* slot, bool* parent_destroyed, bool* child_destroyed) {
  DestroyFlag flag{parent_destroyed};
  co_await child_with_local(slot, child_destroyed);
  co_return 1;
}

TEST(Task, DestroyingAnUnfinishedTaskDestroysEveryFrame) {
  std::coroutine_handle<> parked;
  bool parent_destroyed = false, child_destroyed = false;
  {
    Task<int> task = parent_with_local(&parked, &parent_destroyed, &child_destroyed);
    task.start();
    ASSERT_FALSE(task.done());
    EXPECT_FALSE(parent_destroyed);
    EXPECT_FALSE(child_destroyed);
  }
  EXPECT_TRUE(parent_destroyed);
  EXPECT_TRUE(child_destroyed);
}

TEST(Task, DestroyingATaskNeverStartedRunsNothing) {
  std::vector<int> trace;
  auto body = [](std::vector<int>* t) -> Task<void> {
    t->push_back(1);
    co_return;
  };
  { Task<void> task = body(&trace); }
  EXPECT_TRUE(trace.empty());
}

TEST(Task, MovedTaskOwnsTheFrame) {
  Task<int> a = constant(3);
  Task<int> b = std::move(a);
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  b.start();
  EXPECT_EQ(b.result(), 3);
}

Task<int> count_up(int n) {
  int total = 0;
  for (int i = 0; i < n; ++i) total += co_await constant(1);
  co_return total;
}

TEST(Task, ManySubtasksInOneResumeDoNotGrowTheStack) {
  // Symmetric transfer: each finished sub-task hands control straight back; no recursion per await.
  Task<int> task = count_up(100'000);
  task.start();
  ASSERT_TRUE(task.done());
  EXPECT_EQ(task.result(), 100'000);
}

struct Progress {
  int steps = 0;
};

Task<Progress> publishes(std::coroutine_handle<>* slot) {
  Progress p;
  co_await publish_progress(p);
  p.steps = 1;
  co_await Parked{slot};
  p.steps = 2;
  co_await Parked{slot};
  p.steps = 3;
  co_return p;
}

TEST(Task, PartialShowsWhatARunningTaskPublished) {
  std::coroutine_handle<> parked;
  Task<Progress> task = publishes(&parked);
  EXPECT_EQ(task.partial().steps, 0);  // not started: nothing published
  task.start();
  EXPECT_EQ(task.partial().steps, 1);
  parked.resume();
  EXPECT_EQ(task.partial().steps, 2);
  parked.resume();
  ASSERT_TRUE(task.done());
  EXPECT_EQ(task.partial().steps, 3);
  EXPECT_EQ(task.result().steps, 3);
}

}  // namespace
}  // namespace strata::sim::apps
