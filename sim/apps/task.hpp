// SPDX-License-Identifier: MIT
// Task<T>: the coroutine type apps are written in, so an app reads like a classic blocking client or server.
// A Task starts lazily: nothing runs until it is co_awaited (a sub-task) or start()ed (the top-level app, by
// the runner). A sub-task that finishes without waiting returns like a call; one that waits hands control
// back to whoever resumed the chain, and when it is resumed and finishes, transfers straight back to its
// awaiter (symmetric transfer). Either way the stack holds at most one frame per level of nesting. Errors
// travel as values (Result, AppResult), never as exceptions: an exception escaping a task is a bug and
// terminates. Destroying a Task destroys its frame, finished or not, and with it every sub-task frame it owns
// (their locals, sockets included, are destroyed in the usual order).
//
// Not for: scheduling. Who resumes a suspended task is the AppEnv's business (app_env.hpp).
#pragma once

#include <cassert>
#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace strata::sim::apps {

template <class T = void>
class Task;

namespace detail {

/// At the end of a task, resume whoever awaited it (or return to the runner for a top-level task).
struct FinalAwaiter {
  bool await_ready() const noexcept { return false; }
  template <class Promise>
  std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> done) const noexcept {
    if (auto next = done.promise().continuation) return next;
    return std::noop_coroutine();
  }
  void await_resume() const noexcept {}
};

struct PromiseBase {
  std::coroutine_handle<> continuation;  // the awaiting task; empty for a top-level task
  std::suspend_always initial_suspend() const noexcept { return {}; }
  FinalAwaiter final_suspend() const noexcept { return {}; }
  // why: apps report failure as values; an exception here is a programming error with no one to catch it.
  [[noreturn]] void unhandled_exception() const noexcept { std::terminate(); }
};

template <class T>
struct Promise : PromiseBase {
  std::optional<T> value;
  const T* progress = nullptr;  // the body's running figures, published by co_await publish_progress(x)
  Task<T> get_return_object() noexcept;
  template <class U>
  void return_value(U&& v) {
    value.emplace(std::forward<U>(v));
  }
};

template <>
struct Promise<void> : PromiseBase {
  Task<void> get_return_object() noexcept;
  void return_void() const noexcept {}
};

}  // namespace detail

/// A lazily started coroutine producing a T. Move-only; owns its frame. Invariant: a Task that is not empty
/// owns exactly one live frame, suspended either at its start, at an await, or at its end (done()).
template <class T>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::Promise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  Task() = default;
  explicit Task(Handle h) noexcept : h_(h) {}
  Task(Task&& other) noexcept : h_(std::exchange(other.h_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      reset();
      h_ = std::exchange(other.h_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() { reset(); }

  /// True when the task holds a frame.
  bool valid() const noexcept { return static_cast<bool>(h_); }
  /// True once the body has returned (the result is ready).
  bool done() const noexcept { return h_ && h_.done(); }

  /// For the runner of a top-level task: runs the body until its first suspension (or its end).
  void start() {
    assert(h_ && !h_.done() && !h_.promise().continuation);
    h_.resume();
  }

  /// The result of a finished task.
  std::add_lvalue_reference_t<const T> result() const  // const T& (spelt so Task<void> can exist)
      requires(!std::is_void_v<T>) {
    assert(done() && h_.promise().value);
    return *h_.promise().value;
  }
  /// The result of a finished task, moved out (take it once).
  T take_result() requires(!std::is_void_v<T>) {
    assert(done() && h_.promise().value);
    return std::move(*h_.promise().value);
  }
  /// What a task still running has done so far: the value it published with publish_progress() as it stands
  /// now, or T{} when it published none. For a finished task, its result. (A server that runs to the end of
  /// the simulation is reported this way.)
  T partial() const requires(!std::is_void_v<T> && std::is_default_constructible_v<T>) {
    if (!h_) return T{};
    const auto& p = h_.promise();
    if (h_.done() && p.value) return *p.value;
    return p.progress ? *p.progress : T{};
  }

  /// Destroys the frame now (finished or not); the task becomes empty.
  void reset() noexcept {
    if (h_) std::exchange(h_, {}).destroy();
  }

  // Awaiting a task runs it to its end and yields its result.
  bool await_ready() const noexcept { return !h_ || h_.done(); }
  bool await_suspend(std::coroutine_handle<> awaiting) noexcept {
    // Run the sub-task here, with no continuation yet: if it finishes without waiting, FinalAwaiter returns
    // to this call and the awaiting task goes on without suspending. why not plain symmetric transfer: a loop
    // of sub-tasks that finish at once would then nest one frame per iteration wherever the compiler does not
    // turn the transfer into a tail call (sanitizer builds at -O1), and overflow the stack.
    h_.resume();
    if (h_.done()) return false;
    // It waits: when something resumes it and it ends, FinalAwaiter transfers straight back to us. (Setting
    // this after the fact is safe: nothing can resume it before we return to whoever resumed us.)
    h_.promise().continuation = awaiting;
    return true;
  }
  T await_resume() {
    assert(h_ && h_.done());
    if constexpr (!std::is_void_v<T>) return std::move(*h_.promise().value);
  }

 private:
  Handle h_;
};

/// `co_await publish_progress(result)` inside a Task<T>: lets the runner read `result` (a variable of the
/// task's own frame, so it lives as long as the task) through Task::partial() while the task runs. Never
/// suspends.
template <class T>
class ProgressAwaiter {
 public:
  explicit ProgressAwaiter(const T& progress) noexcept : progress_(&progress) {}
  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<detail::Promise<T>> self) const noexcept {
    self.promise().progress = progress_;
    return false;  // resume at once
  }
  void await_resume() const noexcept {}

 private:
  const T* progress_;
};
template <class T>
ProgressAwaiter<T> publish_progress(const T& progress) noexcept {
  return ProgressAwaiter<T>(progress);
}

namespace detail {
template <class T>
Task<T> Promise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace strata::sim::apps
