// SPDX-License-Identifier: Apache-2.0
#include "rabbitharness.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

const QString Queue = u"knative-trigger-meshscope-test-orders"_s;

// Every process below the given ones, read from /proc: the node's erl_child_setup and inet_gethost included.
QList<qint64> descendants(const QList<qint64>& roots)
{
    QMultiHash<qint64, qint64> children;
    const QStringList entries = QDir(u"/proc"_s).entryList(QDir::Dirs);
    for (const QString& entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (!ok)
            continue;
        QFile stat(u"/proc/%1/stat"_s.arg(pid));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        children.insert(fields.value(1).toLongLong(), pid);
    }
    QList<qint64> found;
    QList<qint64> pending = roots;
    while (!pending.isEmpty()) {
        const qint64 pid = pending.takeLast();
        found.append(pid);
        pending += children.values(pid);
    }
    return found;
}

bool alive(qint64 pid)
{
    errno = 0;
    return !(::kill(pid_t(pid), 0) == -1 && errno == ESRCH);
}

} // namespace

class TestRabbitHarness : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QElapsedTimer timer;
        timer.start();
        QString error;
        QVERIFY2(m_harness.start(&error), qPrintable(error));
        qInfo("harness started in %lld ms", timer.elapsed());
        QVERIFY(m_harness.isRunning());
        QCOMPARE(m_harness.processIds().size(), 2);
    }

    void overviewNamesTheNode()
    {
        const RabbitHarness::Reply overview = m_harness.management("GET", u"api/overview"_s);
        QCOMPARE(overview.status, 200);
        const QJsonObject json = QJsonDocument::fromJson(overview.body).object();
        QCOMPARE(json.value(u"node"_s).toString(), m_harness.nodeName());
        QVERIFY(json.value(u"rabbitmq_version"_s).toString().startsWith(u"3."_s));
        const RabbitHarness::Reply whoami = m_harness.management("GET", u"api/whoami"_s);
        QCOMPARE(QJsonDocument::fromJson(whoami.body)[u"name"].toString(), m_harness.user());
    }

    // The AMQP listener speaks AMQP 0-9-1: it answers the protocol header with a Connection.Start method frame.
    void amqpListenerAnswers()
    {
        QTcpSocket socket;
        socket.connectToHost(u"127.0.0.1"_s, m_harness.amqpPort());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(QByteArray("AMQP\x00\x00\x09\x01", 8));
        QTRY_VERIFY(socket.bytesAvailable() >= 11 || socket.waitForReadyRead(100));
        const QByteArray frame = socket.readAll();
        QCOMPARE(frame.at(0), char(1)); // method frame
        QCOMPARE(frame.mid(7, 4), QByteArray("\x00\x0a\x00\x0a", 4)); // class 10 connection, method 10 start
    }

    void wrongCredentialsAreRefused()
    {
        QNetworkAccessManager network;
        QNetworkRequest request = m_harness.managementRequest(u"api/overview"_s);
        request.setRawHeader("Authorization", "Basic " + QByteArray("guest:guest").toBase64());
        const std::unique_ptr<QNetworkReply> reply(network.get(request));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        QVERIFY(finished.wait(15'000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 401);
    }

    // A queue declared and published to through the management API shows its depth there.
    void publishedMessagesAreReady()
    {
        QString error;
        QVERIFY2(m_harness.declareQueue(Queue, &error), qPrintable(error));
        for (int i = 0; i < 3; ++i) {
            bool routed = false;
            QVERIFY2(
                m_harness.publish({}, Queue, "event " + QByteArray::number(i), &routed, &error), qPrintable(error));
            QVERIFY(routed);
        }
        bool routed = true;
        QVERIFY2(m_harness.publish({}, u"no-such-queue"_s, "lost", &routed, &error), qPrintable(error));
        QVERIFY(!routed);
        const QString path = u"api/queues/%2F/"_s + Queue;
        QTRY_COMPARE_WITH_TIMEOUT(messagesReady(path), 3, 15'000);
        const QJsonObject queue = QJsonDocument::fromJson(m_harness.management("GET", path).body).object();
        QCOMPARE(queue.value(u"name"_s).toString(), Queue);
        QCOMPARE(queue.value(u"vhost"_s).toString(), u"/"_s);
        QCOMPARE(queue.value(u"messages_unacknowledged"_s).toInt(), 0);
    }

    // Down, the node's ports refuse connections; a durable queue and its messages survive a clean restart on them.
    void restartKeepsTheQueue()
    {
        QString error;
        QVERIFY2(m_harness.shutDown(&error), qPrintable(error));
        QVERIFY(!m_harness.isRunning());
        QCOMPARE(m_harness.processIds().size(), 1); // epmd stays for the node's return
        QCOMPARE(m_harness.management("GET", u"api/overview"_s).status, 0);
        QTcpSocket socket;
        socket.connectToHost(u"127.0.0.1"_s, m_harness.amqpPort());
        QVERIFY(!socket.waitForConnected(5000));
        QCOMPARE(socket.error(), QAbstractSocket::ConnectionRefusedError);
        QElapsedTimer timer;
        timer.start();
        QVERIFY2(m_harness.restart(&error), qPrintable(error));
        qInfo("restart took %lld ms", timer.elapsed());
        QVERIFY(m_harness.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(messagesReady(u"api/queues/%2F/"_s + Queue), 3, 15'000);
    }

    void stopEndsTheProcesses()
    {
        const QList<qint64> ids = descendants(m_harness.processIds());
        QVERIFY2(ids.size() >= 3, qPrintable(QString::number(ids.size()))); // beam.smp, epmd, erl_child_setup
        const QString log = m_harness.logFile();
        QVERIFY(QFile::exists(log));
        m_harness.stop();
        m_harness.stop();
        QVERIFY(!m_harness.isRunning());
        QVERIFY(m_harness.processIds().isEmpty());
        // The node's helpers notice that it is gone and exit by themselves, an instant later.
        for (const qint64 id : ids)
            QTRY_VERIFY2(!alive(id), qPrintable(QString::number(id)));
        QVERIFY(!QFile::exists(log));
    }

private:
    int messagesReady(const QString& path)
    {
        const RabbitHarness::Reply reply = m_harness.management("GET", path);
        const QJsonValue ready = QJsonDocument::fromJson(reply.body)[u"messages_ready"];
        return ready.isDouble() ? ready.toInt() : -1;
    }

    RabbitHarness m_harness;
};

QTEST_GUILESS_MAIN(TestRabbitHarness)
#include "tst_rabbitharness.moc"
