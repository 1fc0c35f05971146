// SPDX-License-Identifier: Apache-2.0
#include "draftstore.h"
#include "manifestparser.h"
#include "objectstore.h"
#include "triggereditorpage.h"

#include <QPlainTextEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextCursor>
#include <QTextDocument>

#include <memory>

using namespace Qt::StringLiterals;

namespace {
const auto mesh = R"(apiVersion: eventing.knative.dev/v1
kind: Broker
metadata: {name: orders, namespace: shop}
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: billing, namespace: shop}
---
apiVersion: v1
kind: Service
metadata: {name: audit, namespace: ops}
)";

void typeAtEnd(QTextDocument* document, const QString& text)
{
    QTextCursor cursor(document);
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(text);
}
} // namespace

class TestTriggerEditorPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void draftsComeBackAfterRestart();
    void closingForgetsTheDraft();
    void drawnTrigger_data();
    void drawnTrigger();
    void exportWritesEveryDraft();
    void undoIsPerDraft();
    void failedSaveKeepsTheText();
    void draftsSurviveKilledApp();
    void tabIndentsAndCtrlTabLeaves();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    ObjectStore m_store;
};

void TestTriggerEditorPage::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    if (m_store.objects().isEmpty())
        m_store.replaceOrigin(u"test"_s, ManifestParser::parseYaml(mesh, u"mesh.yaml"_s).objects);
}

void TestTriggerEditorPage::draftsComeBackAfterRestart()
{
    const QString directory = m_dir->path();
    {
        TriggerEditorPage page(&m_store, nullptr, directory);
        QCOMPARE(page.draftCount(), 1);
        typeAtEnd(page.document(), u"# first draft, typed\n"_s);
        page.newTrigger();
        page.setText(u"apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: second\n"_s);
        QCOMPARE(page.draftCount(), 2);
        // Saved by the autosave timer, without any flush.
        QTRY_COMPARE(DraftStore(directory).load().size(), 2);
        QTRY_VERIFY(DraftStore(directory).load().first().text.endsWith(u"# first draft, typed\n"_s));
    }
    TriggerEditorPage restored(&m_store, nullptr, directory);
    QCOMPARE(restored.draftCount(), 2);
    QVERIFY(restored.text().endsWith(u"# first draft, typed\n"_s));
    QCOMPARE(restored.draftTitle(1), u"second"_s);
    restored.setCurrentDraft(1);
    QCOMPARE(restored.textEditor()->document(), restored.document());
    QVERIFY(restored.text().contains(u"name: second"_s));
}

void TestTriggerEditorPage::closingForgetsTheDraft()
{
    TriggerEditorPage page(&m_store, nullptr, m_dir->path());
    page.newTrigger();
    page.flushDrafts();
    QCOMPARE(DraftStore(m_dir->path()).load().size(), 2);
    QVERIFY(page.closeDraft(0, false));
    QCOMPARE(page.draftCount(), 1);
    QCOMPARE(DraftStore(m_dir->path()).load().size(), 1);
    // Closing the last draft leaves a fresh one, never an editor without a document.
    QVERIFY(page.closeDraft(0, false));
    QCOMPARE(page.draftCount(), 1);
    QVERIFY(page.document());
}

void TestTriggerEditorPage::drawnTrigger_data()
{
    QTest::addColumn<QString>("subscriberKind");
    QTest::addColumn<QString>("subscriberGroup");
    QTest::addColumn<QString>("subscriberNamespace");
    QTest::addColumn<QString>("apiVersion");
    QTest::addColumn<QString>("expected");
    QTest::addRow("knative service") << u"Service"_s << u"serving.knative.dev"_s << u"shop"_s
                                     << u"serving.knative.dev/v1"_s << u"name: billing-from-orders"_s;
    QTest::addRow("other namespace") << u"Service"_s << QString() << u"ops"_s << u"v1"_s << u"namespace: ops"_s;
}

void TestTriggerEditorPage::drawnTrigger()
{
    QFETCH(QString, subscriberKind);
    QFETCH(QString, subscriberGroup);
    QFETCH(QString, subscriberNamespace);
    QFETCH(QString, apiVersion);
    QFETCH(QString, expected);
    TriggerEditorPage page(&m_store, nullptr, m_dir->path());
    const ObjectKey broker { u"eventing.knative.dev"_s, u"Broker"_s, u"shop"_s, u"orders"_s };
    const ObjectKey subscriber { subscriberGroup, subscriberKind, subscriberNamespace,
        subscriberNamespace == u"ops"_s ? u"audit"_s : u"billing"_s };
    QSignalSpy validated(&page, &TriggerEditorPage::validated);
    page.newTriggerFor(broker, subscriber, apiVersion);
    QCOMPARE(page.draftCount(), 2);
    QCOMPARE(page.currentDraft(), 1);
    QVERIFY(page.text().contains(expected));
    QVERIFY2(
        page.issues().isEmpty(), qPrintable(page.issues().isEmpty() ? QString() : page.issues().first().toString()));
    const auto parsed = ManifestParser::parseYaml(page.text().toUtf8(), u"drawn.yaml"_s);
    QCOMPARE(parsed.objects.size(), 1);
    QCOMPARE(parsed.objects.first()->key.ns, u"shop"_s);
}

void TestTriggerEditorPage::exportWritesEveryDraft()
{
    TriggerEditorPage page(&m_store, nullptr, m_dir->path());
    page.newTriggerFor({ u"eventing.knative.dev"_s, u"Broker"_s, u"shop"_s, u"orders"_s },
        { u"serving.knative.dev"_s, u"Service"_s, u"shop"_s, u"billing"_s }, u"serving.knative.dev/v1"_s);
    page.newTrigger();
    page.setText(u"---\n# leading marker and no final newline\napiVersion: eventing.knative.dev/v1\nkind: Trigger\n"
                 "metadata: {name: third, namespace: shop}\nspec: {broker: orders, subscriber: {uri: http://x}}"_s);
    const QString path = m_dir->filePath(u"all.yaml"_s);
    QString error;
    QVERIFY2(page.exportDrafts(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const auto parsed = ManifestParser::parseYaml(file.readAll(), path);
    QVERIFY(parsed.issues.isEmpty());
    QCOMPARE(parsed.objects.size(), 3);
    QCOMPARE(parsed.objects.at(2)->key.name, u"third"_s);
}

void TestTriggerEditorPage::undoIsPerDraft()
{
    TriggerEditorPage page(&m_store, nullptr, m_dir->path());
    const QString original = page.text();
    typeAtEnd(page.document(), u"# one\n"_s);
    page.newTrigger();
    typeAtEnd(page.document(), u"# two\n"_s);
    page.setCurrentDraft(0);
    page.textEditor()->undo();
    QCOMPARE(page.text(), original);
    page.setCurrentDraft(1);
    QVERIFY(page.text().endsWith(u"# two\n"_s));
    page.textEditor()->undo();
    QVERIFY(!page.text().contains(u"# two"_s));
    page.textEditor()->redo();
    QVERIFY(page.text().endsWith(u"# two\n"_s));
}

void TestTriggerEditorPage::failedSaveKeepsTheText()
{
    TriggerEditorPage page(&m_store, nullptr, m_dir->path());
    typeAtEnd(page.document(), u"# typed\n"_s);
    const QString typed = page.text();
    QString error;
    QVERIFY(!page.saveFile(m_dir->filePath(u"missing-folder/x.yaml"_s), &error));
    QVERIFY(error.contains(u"missing-folder"_s));
    QCOMPARE(page.text(), typed);
    QVERIFY(page.fileName().isEmpty());
}

// The real application, killed with SIGKILL while a draft is open: the next start has the draft back.
void TestTriggerEditorPage::draftsSurviveKilledApp()
{
    const QString data = m_dir->filePath(u"data"_s);
    const QString draftFile = m_dir->filePath(u"typed.yaml"_s);
    {
        QFile file(draftFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: survivor\n# typed\n");
    }
    QProcess app;
    auto environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"XDG_DATA_HOME"_s, data);
    environment.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    app.setProcessEnvironment(environment);
    app.start(QStringLiteral(MESHSCOPE_BINARY), { u"--demo"_s, u"--edit"_s, draftFile });
    QVERIFY(app.waitForStarted());
    const QString drafts = data + u"/Meshscope/meshscope/drafts"_s;
    QTRY_VERIFY_WITH_TIMEOUT(DraftStore(drafts).load().size() >= 2, 20000);
    app.kill();
    QVERIFY(app.waitForFinished());
    QCOMPARE(app.exitStatus(), QProcess::CrashExit);

    TriggerEditorPage restored(&m_store, nullptr, drafts);
    QStringList titles;
    for (int i = 0; i < restored.draftCount(); ++i)
        titles.append(restored.draftTitle(i));
    QVERIFY2(titles.contains(u"survivor"_s), qPrintable(titles.join(u", "_s)));
}

QTEST_MAIN(TestTriggerEditorPage)

// YAML allows no tab characters: Tab indents with spaces, and Ctrl+Tab is how a keyboard user leaves the editor.
void TestTriggerEditorPage::tabIndentsAndCtrlTabLeaves()
{
    TriggerEditorPage page(&m_store, nullptr, m_dir->path());
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QPlainTextEdit* yaml = nullptr;
    const auto edits = page.findChildren<QPlainTextEdit*>();
    for (auto* edit : edits) {
        if (edit->accessibleName() == u"Trigger YAML")
            yaml = edit;
    }
    QVERIFY(yaml);
    page.setText(u"metadata:\n"_s);
    yaml->setFocus();
    QTRY_VERIFY(yaml->hasFocus());
    auto cursor = yaml->textCursor();
    cursor.movePosition(QTextCursor::End);
    yaml->setTextCursor(cursor);
    QTest::keyClick(yaml, Qt::Key_Tab);
    QTest::keyClicks(yaml, u"name: x"_s);
    QCOMPARE(page.text(), u"metadata:\n  name: x"_s);
    QTest::keyClick(yaml, Qt::Key_Tab, Qt::ControlModifier);
    QTRY_VERIFY(!yaml->hasFocus());
    QCOMPARE(page.text(), u"metadata:\n  name: x"_s);
}

#include "tst_triggereditorpage.moc"
