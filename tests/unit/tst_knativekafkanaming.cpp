// SPDX-License-Identifier: Apache-2.0
#include "knativekafkanaming.h"

#include <QTest>

using namespace Qt::StringLiterals;
using Annotations = QMap<QString, QString>;

class TestKnativeKafkaNaming : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void topic_data();
    void topic();
    void group_data();
    void group();
    void scaling_data();
    void scaling();
};

namespace {
KnativeObject object(const QString& kind, const QString& ns, const QString& name)
{
    KnativeObject result;
    result.key = { u"eventing.knative.dev"_s, kind, ns, name };
    return result;
}
} // namespace

void TestKnativeKafkaNaming::topic_data()
{
    QTest::addColumn<QString>("annotation");
    QTest::addColumn<QString>("expected");
    QTest::addRow("template") << QString() << u"knative-broker-shop-default"_s;
    QTest::addRow("status annotation") << u"custom-topic"_s << u"custom-topic"_s;
}

void TestKnativeKafkaNaming::topic()
{
    QFETCH(QString, annotation);
    QFETCH(QString, expected);
    KnativeObject broker = object(u"Broker"_s, u"shop"_s, u"default"_s);
    if (!annotation.isEmpty())
        broker.statusAnnotations.insert(u"default.topic"_s, annotation);
    QCOMPARE(kafkaTopicForBroker(broker), expected);
}

void TestKnativeKafkaNaming::group_data()
{
    QTest::addColumn<QString>("annotation");
    QTest::addColumn<QString>("expected");
    QTest::addRow("template") << QString() << u"knative-trigger-shop-orders"_s;
    QTest::addRow("status annotation (pre-1.10 uid)") << u"0b3c-uid"_s << u"0b3c-uid"_s;
}

void TestKnativeKafkaNaming::group()
{
    QFETCH(QString, annotation);
    QFETCH(QString, expected);
    KnativeObject trigger = object(u"Trigger"_s, u"shop"_s, u"orders"_s);
    if (!annotation.isEmpty())
        trigger.statusAnnotations.insert(u"group.id"_s, annotation);
    QCOMPARE(kafkaGroupForTrigger(trigger), expected);
}

void TestKnativeKafkaNaming::scaling_data()
{
    QTest::addColumn<Annotations>("annotations");
    QTest::addColumn<int>("minScale");
    QTest::addColumn<int>("maxScale");
    QTest::addColumn<qint64>("lagThreshold");
    const QString prefix = u"autoscaling.eventing.knative.dev/"_s;
    QTest::addRow("defaults") << Annotations {} << 0 << 50 << qint64(100);
    QTest::addRow("annotated") << Annotations { { prefix % u"min-scale"_s, u"1"_s },
        { prefix % u"max-scale"_s, u"5"_s }, { prefix % u"lag-threshold"_s, u" 20 "_s } }
                               << 1 << 5 << qint64(20);
    QTest::addRow("malformed falls back") << Annotations { { prefix % u"min-scale"_s, u"-1"_s },
        { prefix % u"max-scale"_s, u"many"_s }, { prefix % u"lag-threshold"_s, u"0"_s } }
                                          << 0 << 50 << qint64(100);
    QTest::addRow("max below min") << Annotations { { prefix % u"min-scale"_s, u"4"_s },
        { prefix % u"max-scale"_s, u"2"_s } }
                                   << 4 << 4 << qint64(100);
}

void TestKnativeKafkaNaming::scaling()
{
    QFETCH(Annotations, annotations);
    QFETCH(int, minScale);
    QFETCH(int, maxScale);
    QFETCH(qint64, lagThreshold);
    KnativeObject trigger = object(u"Trigger"_s, u"shop"_s, u"orders"_s);
    trigger.annotations = annotations;
    const auto spec = kafkaScalingSpecForTrigger(trigger);
    QCOMPARE(spec.minScale, minScale);
    QCOMPARE(spec.maxScale, maxScale);
    QCOMPARE(spec.lagThreshold, lagThreshold);
}

QTEST_GUILESS_MAIN(TestKnativeKafkaNaming)
#include "tst_knativekafkanaming.moc"
