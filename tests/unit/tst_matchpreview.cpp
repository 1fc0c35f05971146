// SPDX-License-Identifier: Apache-2.0
#include "matchpreview.h"

#include "manifestparser.h"
#include "objectstore.h"
#include "syntheticmesh.h"

#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// A Trigger of broker `broker` in `ns` with the given filter lines (indented under spec).
KnativeObjectPtr trigger(const QString& ns, const QString& name, const QString& broker, const QByteArray& filter)
{
    const QByteArray yaml = "apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: " + name.toUtf8()
        + "\n  namespace: " + ns.toUtf8() + "\nspec:\n  broker: " + broker.toUtf8() + "\n" + filter
        + "  subscriber:\n    uri: http://sink.example.com\n";
    const auto parsed = ManifestParser::parseYaml(yaml, u"trigger.yaml"_s);
    Q_ASSERT(parsed.objects.size() == 1);
    return parsed.objects.first();
}

CloudEvent sampleEvent(const QString& type, const QString& source, const QMap<QString, QVariant>& extensions = {})
{
    CloudEvent e;
    e.id = u"1"_s;
    e.type = type;
    e.source = source;
    for (auto it = extensions.cbegin(); it != extensions.cend(); ++it)
        e.setAttribute(it.key(), it.value());
    return e;
}

ObjectKey triggerKey(const QString& ns, const QString& name)
{
    return ObjectKey { u"eventing.knative.dev"_s, u"Trigger"_s, ns, name };
}

QList<KnativeObjectPtr> candidates()
{
    return {
        trigger(u"shop"_s, u"orders"_s, u"default"_s, "  filter:\n    attributes:\n      type: order.created\n"),
        trigger(u"shop"_s, u"order-prefix"_s, u"default"_s, "  filters:\n    - prefix: {type: order.}\n"),
        trigger(u"shop"_s, u"eu"_s, u"default"_s, "  filters:\n    - cesql: \"source LIKE '%/eu/%'\"\n"),
        trigger(u"shop"_s, u"everything"_s, u"default"_s, ""),
        trigger(u"shop"_s, u"other-broker"_s, u"other"_s, "  filter:\n    attributes:\n      type: order.created\n"),
        trigger(u"billing"_s, u"other-namespace"_s, u"default"_s, ""),
        trigger(u"shop"_s, u"not-test"_s, u"default"_s,
            "  filters:\n    - exact: {type: order.created}\n    - not: {suffix: {source: /test}}\n"),
        trigger(u"shop"_s, u"bad-cesql"_s, u"default"_s, "  filters:\n    - cesql: \"type = \"\n"),
        trigger(u"shop"_s, u"vip"_s, u"default"_s, "  filter:\n    attributes:\n      tier: \"\"\n"),
        // The draft's live version: not "another" receiver.
        trigger(u"shop"_s, u"draft"_s, u"default"_s, ""),
    };
}

} // namespace

class TestMatchPreview : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void preview_data()
    {
        QTest::addColumn<QByteArray>("draftFilter");
        QTest::addColumn<CloudEvent>("sample");
        QTest::addColumn<bool>("matches");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<QStringList>("alsoReceivedBy");

        const auto created = sampleEvent(u"order.created"_s, u"/shop/eu/web"_s);
        const QStringList createdReceivers { u"orders"_s, u"order-prefix"_s, u"eu"_s, u"everything"_s, u"not-test"_s };
        QTest::addRow("attributes match") << QByteArray("  filter:\n    attributes:\n      type: order.created\n")
                                          << created << true << u"type = order.created matched"_s << createdReceivers;
        QTest::addRow("attributes mismatch")
            << QByteArray("  filter:\n    attributes:\n      type: order.paid\n") << created << false
            << u"type: expected 'order.paid', got 'order.created'"_s << createdReceivers;
        QTest::addRow("no filter") << QByteArray() << created << true << u"no filter"_s << createdReceivers;
        QTest::addRow("cesql deciding part")
            << QByteArray("  filters:\n    - cesql: \"type = 'order.created' AND source LIKE '%/us/%'\"\n") << created
            << false << u"source LIKE '%/us/%'"_s << createdReceivers;
        QTest::addRow("cesql syntax error") << QByteArray("  filters:\n    - cesql: \"type = \"\n") << created << false
                                            << u"syntax error"_s << createdReceivers;
        QTest::addRow("any") << QByteArray("  filters:\n    - any:\n        - exact: {type: x}\n"
                                           "        - prefix: {source: /shop/}\n")
                             << created << true << u"source starts with '/shop/'"_s << createdReceivers;
        QTest::addRow("not") << QByteArray("  filters:\n    - not: {exact: {type: order.created}}\n") << created
                             << false << u"not: type = order.created matched"_s << createdReceivers;
        const auto test = sampleEvent(u"order.created"_s, u"/shop/test"_s, { { u"tier"_s, u"gold"_s } });
        QTest::addRow("extension, fewer receivers")
            << QByteArray("  filters:\n    - exact: {tier: gold}\n") << test << true << u"tier = gold matched"_s
            << QStringList { u"orders"_s, u"order-prefix"_s, u"everything"_s, u"vip"_s };
        const auto paid = sampleEvent(u"payment.done"_s, u"/pay"_s);
        QTest::addRow("only the catch-all") << QByteArray("  filters:\n    - suffix: {type: .done}\n") << paid << true
                                            << u"type ends with '.done'"_s << QStringList { u"everything"_s };
    }

    void preview()
    {
        QFETCH(QByteArray, draftFilter);
        QFETCH(CloudEvent, sample);
        QFETCH(bool, matches);
        QFETCH(QString, reason);
        QFETCH(QStringList, alsoReceivedBy);

        const auto draft = trigger(u"shop"_s, u"draft"_s, u"default"_s, draftFilter);
        const auto rows = MatchPreview::compute(*draft, { sample }, candidates());
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().matches, matches);
        QVERIFY2(rows.first().reason.contains(reason), qPrintable(rows.first().reason));
        QStringList names;
        for (const auto& key : rows.first().alsoReceivedBy) {
            QCOMPARE(key.ns, u"shop"_s);
            names.append(key.name);
        }
        QCOMPARE(names, alsoReceivedBy);
    }

    void draftOfAnotherBroker()
    {
        const auto draft = trigger(u"shop"_s, u"draft"_s, u"other"_s, "");
        MatchPreview preview;
        preview.setCandidates(candidates());
        QCOMPARE(preview.candidateCount(), 10);
        const auto rows
            = preview.evaluate(*draft, { sampleEvent(u"order.created"_s, u"/x"_s), sampleEvent(u"a"_s, u"/x"_s) });
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.at(0).alsoReceivedBy, QList<ObjectKey> { triggerKey(u"shop"_s, u"other-broker"_s) });
        QVERIFY(rows.at(1).alsoReceivedBy.isEmpty());
        // Unknown broker: no other receivers.
        const auto lonely = trigger(u"shop"_s, u"draft"_s, u"nowhere"_s, "");
        QVERIFY(preview.evaluate(*lonely, { sampleEvent(u"a"_s, u"/x"_s) }).first().alsoReceivedBy.isEmpty());
    }

    void fromStore()
    {
        ObjectStore store;
        store.replaceOrigin(u"test"_s, candidates());
        MatchPreview preview;
        preview.setCandidates(store);
        QCOMPARE(preview.candidateCount(), 10);
        const auto draft = trigger(u"shop"_s, u"new"_s, u"default"_s, "");
        // The draft is new here, so the trigger named "draft" counts as another receiver.
        const auto rows = preview.evaluate(*draft, { sampleEvent(u"payment.done"_s, u"/pay"_s) });
        QCOMPARE(rows.first().alsoReceivedBy.size(), 2);
    }

    // The compiled candidates answer exactly as FilterEvaluator does, on a realistic mesh.
    void agreesWithFilterEvaluator()
    {
        const auto mesh = SyntheticMesh::generate(2000, 7);
        QList<KnativeObjectPtr> triggers;
        QSet<QString> types;
        for (const auto& object : mesh) {
            if (object->kind != ObjectKind::Trigger)
                continue;
            triggers.append(object);
            for (auto it = object->filterAttributes.cbegin(); it != object->filterAttributes.cend(); ++it)
                types.insert(it.value());
        }
        QVERIFY(triggers.size() > 50);
        // Extra shapes the synthetic mesh does not have, on the first trigger's broker.
        const auto broker = brokerKeyOfTrigger(*triggers.first());
        triggers.append(trigger(broker.ns, u"x-cesql"_s, broker.name,
            "  filters:\n    - cesql: \"type LIKE '%.created' OR EXISTS tier\"\n"));
        triggers.append(trigger(broker.ns, u"x-not"_s, broker.name,
            "  filters:\n    - not: {any: [{exact: {type: a}}, {prefix: {source: /b}}]}\n"));
        triggers.append(
            trigger(broker.ns, u"x-any-not"_s, broker.name, "  filters:\n    - any: [{not: {exact: {type: zzz}}}]\n"));
        // CESQL that requires a type is indexed by it; these check that the index does not drop a match.
        const QByteArray someType = types.begin()->toUtf8();
        triggers.append(trigger(broker.ns, u"x-cesql-type"_s, broker.name,
            "  filters:\n    - cesql: \"type = '" + someType + "' AND source LIKE '/b/%'\"\n"));
        triggers.append(trigger(
            broker.ns, u"x-cesql-reversed"_s, broker.name, "  filters:\n    - cesql: \"'" + someType + "' = type\"\n"));
        triggers.append(trigger(broker.ns, u"x-cesql-or"_s, broker.name,
            "  filters:\n    - cesql: \"type = '" + someType + "' OR EXISTS tier\"\n"));
        QList<CloudEvent> events;
        int n = 0;
        for (const auto& type : std::as_const(types)) {
            events.append(sampleEvent(type, u"/b/"_s + QString::number(n)));
            events.append(sampleEvent(type + u".created"_s, u"/c"_s, { { u"tier"_s, n } }));
            ++n;
        }
        QVERIFY(events.size() > 20);
        int cesqlMatches = 0;
        FilterEvaluator evaluator;
        MatchPreview preview;
        preview.setCandidates(triggers);
        for (const auto& draftObject : { triggers.first(), triggers.at(triggers.size() / 2) }) {
            const auto draftBroker = brokerKeyOfTrigger(*draftObject);
            const auto rows = preview.evaluate(*draftObject, events);
            for (qsizetype i = 0; i < events.size(); ++i) {
                QList<ObjectKey> expected;
                for (const auto& match : evaluator.matchingTriggers(triggers, draftBroker, events.at(i))) {
                    if (match->key != draftObject->key)
                        expected.append(match->key);
                }
                QCOMPARE(rows.at(i).alsoReceivedBy, expected);
                cesqlMatches += int(std::count_if(expected.cbegin(), expected.cend(),
                    [](const ObjectKey& key) { return key.name.startsWith(u"x-cesql-"_s); }));
                QCOMPARE(rows.at(i).matches, evaluator.evaluateTrigger(*draftObject, events.at(i)).matches);
            }
        }
        QVERIFY(cesqlMatches >= 3);
    }
};

QTEST_GUILESS_MAIN(TestMatchPreview)
#include "tst_matchpreview.moc"
