// SPDX-License-Identifier: Apache-2.0
// The match preview pane: samples typed (with mistakes), added from the publisher, re-evaluated as the draft and the
// triggers of the store change; its model checked by QAbstractItemModelTester throughout.
#include "manifestparser.h"
#include "matchpreviewpane.h"
#include "objectstore.h"

#include <QAbstractItemModelTester>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

KnativeObjectPtr trigger(const QString& name, const QByteArray& filter)
{
    const QByteArray yaml = "apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: " + name.toUtf8()
        + "\n  namespace: shop\nspec:\n  broker: default\n" + filter + "  subscriber:\n    uri: http://sink\n";
    return ManifestParser::parseYaml(yaml, u"t.yaml"_s).objects.value(0);
}

const QByteArray createdOnly = "  filter:\n    attributes:\n      type: order.created\n";

CloudEvent sample(const QString& id, const QString& type)
{
    CloudEvent event;
    event.id = id;
    event.type = type;
    event.source = u"/shop"_s;
    return event;
}

QString cell(const QAbstractItemModel* model, int row, int column)
{
    return model->index(row, column).data().toString();
}

} // namespace

class TestMatchPreviewPane : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void typedSamples_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("rows");
        QTest::addColumn<QString>("issue"); // "line:column: message start", or empty

        const QString created = uR"({"specversion": "1.0", "id": "a", "source": "/shop", "type": "order.created"})"_s;
        const QString paid = uR"({"specversion": "1.0", "id": "b", "source": "/shop", "type": "order.paid"})"_s;
        QTest::addRow("one event") << created << 1 << QString();
        QTest::addRow("batch") << u"[\n  "_s + created + u",\n  "_s + paid + u"\n]"_s << 2 << QString();
        QTest::addRow("one after the other") << created + u"\n"_s + paid << 2 << QString();
        QTest::addRow("empty") << u"  \n"_s << 0 << QString();
        QTest::addRow("syntax error") << created + u"\n{\"id\": \"c\",, }"_s << 1 << u"2:12: JSON: "_s;
        QTest::addRow("unterminated") << created + u"\n\n  {\"id\": "_s << 1 << u"3:10: JSON: "_s;
        QTest::addRow("not a CloudEvent in a batch")
            << u"[\n  "_s + created + u",\n  {\"specversion\": \"1.0\", \"id\": \"x\"}\n]"_s << 1
            << u"3:3: not a CloudEvent: "_s;
        QTest::addRow("not an object") << u"[1]"_s << 0 << u"1:2: a CloudEvent is a JSON object"_s;
        QTest::addRow("bare word") << u"hello\n"_s + created << 1 << u"1:1: JSON: "_s;
    }

    void typedSamples()
    {
        QFETCH(QString, text);
        QFETCH(int, rows);
        QFETCH(QString, issue);

        MatchPreviewPane pane;
        QAbstractItemModelTester tester(pane.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        pane.setCandidates({ trigger(u"orders"_s, createdOnly), trigger(u"all"_s, "") });
        pane.setDraft(trigger(u"draft"_s, createdOnly));
        auto* editor = pane.findChild<QPlainTextEdit*>();
        QVERIFY(editor);
        QSignalSpy changed(&pane, &MatchPreviewPane::samplesTextChanged);
        editor->setPlainText(text);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(pane.model()->rowCount(), rows);
        // Nothing typed is lost, parseable or not.
        QCOMPARE(pane.samplesText(), text);
        if (issue.isEmpty()) {
            QVERIFY(pane.sampleIssues().isEmpty());
            return;
        }
        QCOMPARE(pane.sampleIssues().size(), 1);
        const auto& found = pane.sampleIssues().first();
        const QString actual = QString::number(found.location.line) % u':' % QString::number(found.location.column)
            % u": "_s % found.message;
        QVERIFY2(actual.startsWith(issue), qPrintable(actual));
    }

    void previewFollowsDraftAndSamples()
    {
        MatchPreviewPane pane;
        QAbstractItemModelTester tester(pane.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto* model = pane.model();
        pane.setCandidates({ trigger(u"orders"_s, createdOnly), trigger(u"all"_s, ""), trigger(u"draft"_s, "") });
        pane.setSamplesText(uR"([{"specversion": "1.0", "id": "a", "source": "/shop", "type": "order.created"},
                 {"specversion": "1.0", "id": "b", "source": "/shop", "type": "order.paid"}])"_s);
        QCOMPARE(model->rowCount(), 2);
        QCOMPARE(cell(model, 0, MatchPreviewModel::MatchColumn), u"–"_s);

        pane.setDraft(trigger(u"draft"_s, createdOnly));
        QCOMPARE(cell(model, 0, MatchPreviewModel::IdColumn), u"a"_s);
        QCOMPARE(cell(model, 0, MatchPreviewModel::TypeColumn), u"order.created"_s);
        QCOMPARE(cell(model, 0, MatchPreviewModel::SourceColumn), u"/shop"_s);
        QCOMPARE(cell(model, 0, MatchPreviewModel::MatchColumn), u"✓"_s);
        QCOMPARE(cell(model, 0, MatchPreviewModel::ReasonColumn), u"type = order.created matched"_s);
        // The live version of the draft itself is not another receiver.
        QCOMPARE(cell(model, 0, MatchPreviewModel::ReceiversColumn), u"orders, all"_s);
        QCOMPARE(model->index(0, MatchPreviewModel::ReceiversColumn).data(Qt::ToolTipRole).toString(),
            u"shop/orders\nshop/all"_s);
        QCOMPARE(cell(model, 1, MatchPreviewModel::MatchColumn), u"✗"_s);
        QCOMPARE(
            cell(model, 1, MatchPreviewModel::ReasonColumn), u"type: expected 'order.created', got 'order.paid'"_s);
        QCOMPARE(cell(model, 1, MatchPreviewModel::ReceiversColumn), u"all"_s);

        // Typing into the draft (here: a new filter) re-evaluates without resetting the rows.
        QSignalSpy reset(model, &QAbstractItemModel::modelReset);
        QSignalSpy dataChanged(model, &QAbstractItemModel::dataChanged);
        pane.setDraft(trigger(u"draft"_s, "  filters:\n    - cesql: \"type LIKE 'order.%'\"\n"));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(dataChanged.count(), 1);
        QCOMPARE(cell(model, 1, MatchPreviewModel::MatchColumn), u"✓"_s);
        pane.setDraft(trigger(u"draft"_s, "  filters:\n    - cesql: \"type LIKE \"\n"));
        QCOMPARE(cell(model, 1, MatchPreviewModel::MatchColumn), u"?"_s);
        pane.setDraft(nullptr);
        QCOMPARE(cell(model, 1, MatchPreviewModel::MatchColumn), u"–"_s);
    }

    void addedSamples()
    {
        MatchPreviewPane pane;
        QAbstractItemModelTester tester(pane.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        pane.setDraft(trigger(u"draft"_s, createdOnly));
        pane.setSamplesText(uR"({"specversion": "1.0", "id": "typed", "source": "/shop", "type": "order.created"})"_s);
        pane.addSamples({ sample(u"h1"_s, u"order.created"_s), sample(u"h2"_s, u"order.paid"_s) });
        QCOMPARE(pane.model()->rowCount(), 3);
        QCOMPARE(cell(pane.model(), 0, MatchPreviewModel::IdColumn), u"typed"_s);
        QCOMPARE(cell(pane.model(), 2, MatchPreviewModel::IdColumn), u"h2"_s);
        QCOMPARE(pane.model()->matchCount(), 2);
        // A broken edit of the typed text keeps the added samples.
        pane.setSamplesText(u"{"_s);
        QCOMPARE(pane.model()->rowCount(), 2);
        auto* clear = pane.findChild<QPushButton*>();
        QVERIFY(clear && clear->isEnabled());
        clear->click();
        QCOMPARE(pane.model()->rowCount(), 0);
        QCOMPARE(pane.samplesText(), u"{"_s);
    }

    void followsTheStore()
    {
        ObjectStore store;
        store.replaceOrigin(u"test"_s, { trigger(u"orders"_s, createdOnly) });
        MatchPreviewPane pane;
        QAbstractItemModelTester tester(pane.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        pane.setStore(&store);
        pane.setDraft(trigger(u"draft"_s, ""));
        pane.addSamples({ sample(u"h1"_s, u"order.created"_s) });
        QCOMPARE(cell(pane.model(), 0, MatchPreviewModel::ReceiversColumn), u"orders"_s);
        store.replaceOrigin(u"test"_s, { trigger(u"orders"_s, createdOnly), trigger(u"audit"_s, "") });
        auto receivers = cell(pane.model(), 0, MatchPreviewModel::ReceiversColumn).split(u", "_s);
        receivers.sort();
        QCOMPARE(receivers, QStringList({ u"audit"_s, u"orders"_s }));
        pane.setCandidates({});
        store.replaceOrigin(u"test"_s, {});
        QCOMPARE(cell(pane.model(), 0, MatchPreviewModel::ReceiversColumn), QString());
    }
};

QTEST_MAIN(TestMatchPreviewPane)
#include "tst_matchpreviewpane.moc"
