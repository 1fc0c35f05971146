// SPDX-License-Identifier: Apache-2.0
#include "draftstore.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace {
// The child process of killedWhileSaving(): saves a growing draft as fast as it can until it is killed.
constexpr auto childVariable = "MESHSCOPE_DRAFTSTORE_CHILD";

int runChild(const QString& directory)
{
    DraftStore store(directory);
    DraftStore::Draft draft { u"draft-1"_s, u"child"_s, {}, {}, 1, 0 };
    QTextStream out(stdout);
    for (int step = 1;; ++step) {
        draft.text = u"step: %1\n"_s.arg(step).repeated(step % 50 + 1);
        draft.modifiedMs = step;
        QString error;
        if (!store.save(draft, &error))
            return 1;
        if (step == 20) {
            out << "saving\n";
            out.flush();
        }
    }
}
} // namespace

class TestDraftStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void orderAndRemove();
    void unreadableFilesAreReported();
    void invalidIdIsRefused();
    void killedWhileSaving();
};

void TestDraftStore::roundTrip_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("fileName");
    QTest::addRow("template") << u"apiVersion: eventing.knative.dev/v1\nkind: Trigger\n# keep me\n"_s << QString();
    QTest::addRow("empty") << QString() << u"/tmp/x.yaml"_s;
    QTest::addRow("non-ascii") << u"metadata:\n  annotations:\n    note: \"größe ✓ 日本\"\n"_s << u"/tmp/ü.yaml"_s;
    QTest::addRow("invalid yaml kept as typed") << u"spec: [unclosed\n\t tabs"_s << QString();
}

void TestDraftStore::roundTrip()
{
    QFETCH(QString, text);
    QFETCH(QString, fileName);
    QTemporaryDir dir;
    DraftStore store(dir.path() + u"/drafts"_s);
    const DraftStore::Draft draft { DraftStore::newId(), u"title"_s, fileName, text, 5, 7 };
    QString error;
    QVERIFY2(store.save(draft, &error), qPrintable(error));
    const auto loaded = DraftStore(store.directory()).load();
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(loaded.first(), draft);
}

void TestDraftStore::orderAndRemove()
{
    QTemporaryDir dir;
    DraftStore store(dir.path());
    QString error;
    QVERIFY(store.save({ u"b"_s, u"second"_s, {}, u"2"_s, 20, 100 }, &error));
    QVERIFY(store.save({ u"a"_s, u"first"_s, {}, u"1"_s, 10, 200 }, &error));
    QVERIFY(store.save({ u"c"_s, u"third"_s, {}, u"3"_s, 30, 50 }, &error));
    auto loaded = store.load();
    QCOMPARE(loaded.size(), 3);
    QCOMPARE(loaded.at(0).title, u"first"_s);
    QCOMPARE(loaded.at(2).title, u"third"_s);
    store.remove(u"b"_s);
    loaded = store.load();
    QCOMPARE(loaded.size(), 2);
    QCOMPARE(loaded.at(1).title, u"third"_s);
}

void TestDraftStore::unreadableFilesAreReported()
{
    QTemporaryDir dir;
    QFile broken(dir.filePath(u"zz.draft.json"_s));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"text\": ");
    broken.close();
    DraftStore store(dir.path());
    QString error;
    QVERIFY(store.save({ u"ok"_s, u"ok"_s, {}, u"kept"_s, 1, 1 }, &error));
    QStringList problems;
    const auto loaded = store.load(&problems);
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(problems.size(), 1);
    QVERIFY(problems.first().contains(u"zz.draft.json"_s));
}

void TestDraftStore::invalidIdIsRefused()
{
    QTemporaryDir dir;
    DraftStore store(dir.path());
    QString error;
    QVERIFY(!store.save({ u"../escape"_s, {}, {}, u"x"_s, 1, 1 }, &error));
    QVERIFY(error.contains(u"../escape"_s));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files).isEmpty());
}

// kill -9 in the middle of saving leaves a whole draft, never a truncated or empty one.
void TestDraftStore::killedWhileSaving()
{
    QTemporaryDir dir;
    QProcess child;
    auto environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QString::fromLatin1(childVariable), dir.path());
    child.setProcessEnvironment(environment);
    child.start(QCoreApplication::applicationFilePath(), {});
    QVERIFY(child.waitForStarted());
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += child.readAllStandardOutput()).contains("saving"), 10000);
    child.kill(); // SIGKILL
    QVERIFY(child.waitForFinished());
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);

    QStringList problems;
    const auto loaded = DraftStore(dir.path()).load(&problems);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
    QCOMPARE(loaded.size(), 1);
    const auto& text = loaded.first().text;
    const auto step = loaded.first().modifiedMs;
    QVERIFY(step >= 20);
    QCOMPARE(text, u"step: %1\n"_s.arg(step).repeated(step % 50 + 1));
}

// Not QTEST_GUILESS_MAIN: the same binary is also the child process that gets killed.
int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsSet(childVariable)) {
        QCoreApplication app(argc, argv);
        return runChild(qEnvironmentVariable(childVariable));
    }
    QCoreApplication app(argc, argv);
    TestDraftStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_draftstore.moc"
