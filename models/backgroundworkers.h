// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <functional>

// Threads that nobody joins, for work that blocks in a network library (librdkafka, librabbitmq): an owner that is
// stopped or destroyed tells its worker so and returns at once, and never waits on its thread, usually the GUI
// thread, for the worker to notice. When the process exits, the workers still running are waited for, up to
// exitGrace, before the rest is torn down.
class BackgroundWorkers {
public:
    static constexpr std::chrono::seconds exitGrace { 15 };

    // Runs work on a new thread. work must hold what it uses itself (shared state, copies): it may outlive whoever
    // started it. It is destroyed, with what it holds, before the worker counts as finished.
    static void start(std::function<void()> work);
    // Workers started and not yet finished.
    static int running();
};
