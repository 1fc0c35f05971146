// SPDX-License-Identifier: Apache-2.0
#include "triggerlistmodel.h"

#include "objectstore.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

KnativeObjectPtr makeTrigger(
    const QString& name, const QString& subscriber, const QString& type = {}, Readiness readiness = Readiness::Unknown)
{
    auto trigger = std::make_shared<KnativeObject>();
    trigger->key = ObjectKey { u"eventing.knative.dev"_s, u"Trigger"_s, u"shop"_s, name };
    trigger->kind = ObjectKind::Trigger;
    trigger->broker = u"default"_s;
    trigger->subscriber.ref = KReference { u"serving.knative.dev/v1"_s, u"Service"_s, subscriber, {} };
    if (!type.isEmpty()) {
        trigger->hasFilter = true;
        trigger->filterAttributes.insert(u"type"_s, type);
    }
    if (readiness != Readiness::Unknown) {
        trigger->conditions = { Condition {
            u"Ready"_s, readiness == Readiness::Ready ? u"True"_s : u"False"_s, u"Why"_s, u"because"_s, {}, {} } };
    }
    return trigger;
}

KnativeObjectPtr makeBroker(const QString& name)
{
    auto broker = std::make_shared<KnativeObject>();
    broker->key = ObjectKey { u"eventing.knative.dev"_s, u"Broker"_s, u"shop"_s, name };
    broker->kind = ObjectKind::Broker;
    return broker;
}

ObjectChangeBatch changes(ObjectChange::Type type, const QList<KnativeObjectPtr>& objects)
{
    ObjectChangeBatch batch;
    for (const auto& object : objects)
        batch.append({ type, object });
    return batch;
}

QString cell(const QAbstractItemModel& model, int row, int column, int role = Qt::DisplayRole)
{
    return model.data(model.index(row, column), role).toString();
}

QStringList names(const TriggerListModel& model)
{
    QStringList result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(cell(model, row, TriggerListModel::NameColumn));
    return result;
}

} // namespace

class TestTriggerListModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void columns_data();
    void columns();
    void initialContentsFromStore();
    void incrementalUpdates();
    void largeBatchResets();
    void backlog();
};

void TestTriggerListModel::columns_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("header");
    QTest::addColumn<QString>("value");

    QTest::addRow("namespace") << int(TriggerListModel::NamespaceColumn) << u"Namespace"_s << u"shop"_s;
    QTest::addRow("name") << int(TriggerListModel::NameColumn) << u"Name"_s << u"on-created"_s;
    QTest::addRow("broker") << int(TriggerListModel::BrokerColumn) << u"Broker"_s << u"default"_s;
    QTest::addRow("filter") << int(TriggerListModel::FilterColumn) << u"Filter"_s << u"type=com.x"_s;
    QTest::addRow("subscriber") << int(TriggerListModel::SubscriberColumn) << u"Subscriber"_s << u"display"_s;
    QTest::addRow("ready") << int(TriggerListModel::ReadyColumn) << u"Ready"_s << u"False"_s;
    QTest::addRow("backlog") << int(TriggerListModel::BacklogColumn) << u"Backlog"_s << QString();
}

void TestTriggerListModel::columns()
{
    QFETCH(int, column);
    QFETCH(QString, header);
    QFETCH(QString, value);

    ObjectStore store;
    TriggerListModel model(&store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    store.apply(changes(ObjectChange::Type::Added,
        { makeTrigger(u"on-created"_s, u"display"_s, u"com.x"_s, Readiness::NotReady), makeBroker(u"default"_s) }));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.columnCount(), int(TriggerListModel::ColumnCount));
    QCOMPARE(model.headerData(column, Qt::Horizontal).toString(), header);
    QCOMPARE(cell(model, 0, column), value);
    QCOMPARE(
        cell(model, 0, column, TriggerListModel::ObjectKeyRole), u"eventing.knative.dev/Trigger/shop/on-created"_s);
    QCOMPARE(model.data(model.index(0, column), TriggerListModel::ReadinessRole).toInt(), int(Readiness::NotReady));
}

void TestTriggerListModel::initialContentsFromStore()
{
    ObjectStore store;
    store.apply(changes(ObjectChange::Type::Added,
        { makeTrigger(u"b"_s, u"s"_s), makeBroker(u"default"_s), makeTrigger(u"a"_s, u"s"_s) }));
    TriggerListModel model(&store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(names(model), (QStringList { u"a"_s, u"b"_s }));
    QCOMPARE(model.rowOf(makeTrigger(u"b"_s, u"s"_s)->key), 1);
    QCOMPARE(model.trigger(0)->key.name, u"a"_s);
    QVERIFY(!model.trigger(2));
}

void TestTriggerListModel::incrementalUpdates()
{
    ObjectStore store;
    TriggerListModel model(&store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    store.apply(changes(ObjectChange::Type::Added,
        { makeTrigger(u"a"_s, u"s"_s), makeTrigger(u"b"_s, u"s"_s), makeTrigger(u"c"_s, u"s"_s) }));
    QCOMPARE(names(model), (QStringList { u"a"_s, u"b"_s, u"c"_s }));
    QCOMPARE(inserted.size(), 3);

    // Objects of other kinds are ignored.
    store.apply(changes(ObjectChange::Type::Added, { makeBroker(u"default"_s) }));
    QCOMPARE(model.rowCount(), 3);

    store.apply(changes(ObjectChange::Type::Modified, { makeTrigger(u"b"_s, u"other"_s, {}, Readiness::Ready) }));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).value<QModelIndex>(), model.index(1, 0));
    QCOMPARE(changed.first().at(1).value<QModelIndex>(), model.index(1, TriggerListModel::ColumnCount - 1));
    QCOMPARE(cell(model, 1, TriggerListModel::SubscriberColumn), u"other"_s);
    QCOMPARE(cell(model, 1, TriggerListModel::ReadyColumn), u"True"_s);
    QCOMPARE(cell(model, 1, TriggerListModel::ReadyColumn, Qt::ToolTipRole), u"Why: because"_s);

    store.apply(changes(ObjectChange::Type::Deleted, { makeTrigger(u"a"_s, u"s"_s) }));
    QCOMPARE(removed.size(), 1);
    QCOMPARE(names(model), (QStringList { u"b"_s, u"c"_s }));
    QCOMPARE(model.rowOf(makeTrigger(u"c"_s, u"s"_s)->key), 1);
    QCOMPARE(model.rowOf(makeTrigger(u"a"_s, u"s"_s)->key), -1);

    store.apply(changes(ObjectChange::Type::Deleted, { makeTrigger(u"c"_s, u"s"_s) }));
    store.apply(changes(ObjectChange::Type::Added, { makeTrigger(u"d"_s, u"s"_s) }));
    QCOMPARE(names(model), (QStringList { u"b"_s, u"d"_s }));
    QCOMPARE(reset.size(), 0);
}

void TestTriggerListModel::largeBatchResets()
{
    ObjectStore store;
    store.apply(changes(ObjectChange::Type::Added, { makeTrigger(u"keep"_s, u"s"_s), makeTrigger(u"gone"_s, u"s"_s) }));
    TriggerListModel model(&store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

    ObjectChangeBatch batch;
    batch.append({ ObjectChange::Type::Deleted, makeTrigger(u"gone"_s, u"s"_s) });
    for (int i = 0; i < 300; ++i)
        batch.append({ ObjectChange::Type::Added, makeTrigger(u"t"_s + QString::number(i), u"s"_s) });
    batch.append({ ObjectChange::Type::Modified, makeTrigger(u"keep"_s, u"changed"_s) });
    store.apply(batch);

    QCOMPARE(reset.size(), 1);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(model.rowCount(), 301);
    QCOMPARE(model.rowOf(makeTrigger(u"gone"_s, u"s"_s)->key), -1);
    const int keep = model.rowOf(makeTrigger(u"keep"_s, u"s"_s)->key);
    QVERIFY(keep >= 0);
    QCOMPARE(cell(model, keep, TriggerListModel::SubscriberColumn), u"changed"_s);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.rowOf(model.trigger(row)->key), row);

    store.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestTriggerListModel::backlog()
{
    ObjectStore store;
    store.apply(changes(ObjectChange::Type::Added, { makeTrigger(u"a"_s, u"s"_s), makeTrigger(u"b"_s, u"s"_s) }));
    TriggerListModel model(&store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

    const auto a = makeTrigger(u"a"_s, u"s"_s)->key;
    model.setBacklog({ { a, 1234 } });
    QCOMPARE(changed.size(), 1);
    const auto topLeft = changed.first().at(0).value<QModelIndex>();
    const auto bottomRight = changed.first().at(1).value<QModelIndex>();
    QCOMPARE(topLeft.column(), int(TriggerListModel::BacklogColumn));
    QCOMPARE(bottomRight.column(), int(TriggerListModel::BacklogColumn));
    QCOMPARE(topLeft.row(), 0);
    QCOMPARE(bottomRight.row(), 1);

    const int rowA = model.rowOf(a);
    QCOMPARE(model.data(model.index(rowA, TriggerListModel::BacklogColumn)).toLongLong(), 1234);
    QVERIFY(!model.data(model.index(1 - rowA, TriggerListModel::BacklogColumn)).isValid());

    model.setBacklog({});
    QVERIFY(!model.data(model.index(rowA, TriggerListModel::BacklogColumn)).isValid());
}

QTEST_GUILESS_MAIN(TestTriggerListModel)
#include "tst_triggerlistmodel.moc"
