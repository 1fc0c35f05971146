// SPDX-License-Identifier: Apache-2.0
#include "backgroundworkers.h"

#include <QTest>

#include <condition_variable>
#include <memory>
#include <mutex>

class TestBackgroundWorkers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void runsWithoutBeingJoined_data();
    void runsWithoutBeingJoined();
};

void TestBackgroundWorkers::runsWithoutBeingJoined_data()
{
    QTest::addColumn<int>("workers");
    QTest::addRow("one") << 1;
    QTest::addRow("several") << 4;
}

// start() returns while the work still runs; what the work holds is released before the worker counts as finished,
// so that nothing of it is left for the process's exit to free.
void TestBackgroundWorkers::runsWithoutBeingJoined()
{
    QFETCH(int, workers);
    struct Gate {
        std::mutex mutex;
        std::condition_variable opened;
        bool open = false;
        int entered = 0;
    };
    auto gate = std::make_shared<Gate>();
    const std::weak_ptr<Gate> watched = gate;
    const int before = BackgroundWorkers::running();
    for (int i = 0; i < workers; ++i) {
        BackgroundWorkers::start([gate] {
            std::unique_lock lock(gate->mutex);
            ++gate->entered;
            gate->opened.wait(lock, [&] { return gate->open; });
        });
    }
    QCOMPARE(BackgroundWorkers::running(), before + workers);
    QTRY_VERIFY([&] {
        const std::lock_guard lock(gate->mutex);
        return gate->entered == workers;
    }());
    {
        const std::lock_guard lock(gate->mutex);
        gate->open = true;
    }
    gate->opened.notify_all();
    gate.reset();
    QTRY_COMPARE(BackgroundWorkers::running(), before);
    QVERIFY(watched.expired());
}

QTEST_GUILESS_MAIN(TestBackgroundWorkers)
#include "tst_backgroundworkers.moc"
