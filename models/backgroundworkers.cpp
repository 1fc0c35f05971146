// SPDX-License-Identifier: Apache-2.0
#include "backgroundworkers.h"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

namespace {

class Registry {
public:
    void started()
    {
        const std::lock_guard lock(m_mutex);
        ++m_running;
    }
    void finished()
    {
        const std::lock_guard lock(m_mutex);
        --m_running;
        m_done.notify_all();
    }
    int running()
    {
        const std::lock_guard lock(m_mutex);
        return m_running;
    }
    // At exit. The bound keeps a worker whose owner was never destroyed, and so never stopped it, from holding the
    // exit for ever.
    ~Registry()
    {
        std::unique_lock lock(m_mutex);
        m_done.wait_for(lock, BackgroundWorkers::exitGrace, [this] { return m_running == 0; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_done;
    int m_running = 0;
};

Registry& registry()
{
    static Registry instance;
    return instance;
}

} // namespace

void BackgroundWorkers::start(std::function<void()> work)
{
    Registry& workers = registry();
    workers.started();
    std::thread([work = std::move(work), &workers]() mutable {
        std::exchange(work, nullptr)();
        workers.finished();
    }).detach();
}

int BackgroundWorkers::running() { return registry().running(); }
