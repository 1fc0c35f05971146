// SPDX-License-Identifier: Apache-2.0
#include "kedascaler.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::StringLiterals;

class TestKedaScaler : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void partitionLag_data();
    void partitionLag();
    void decide_data();
    void decide();
    void hpaTolerance_data();
    void hpaTolerance();
    void factors();
    void nextBalancingFactor_data();
    void nextBalancingFactor();
    void scaledObject_data();
    void scaledObject();
    void scaledObjectBounds();
    void knativeAnnotations_data();
    void knativeAnnotations();
};

using Annotations = QMap<QString, QString>;

namespace {

// Partitions with the given lags: end offset 1000 + lag, committed 1000; a negative lag means nothing committed
// (end offset 1000).
QList<PartitionLag> partitionsWithLags(const QList<qint64>& lags)
{
    QList<PartitionLag> partitions;
    for (int i = 0; i < lags.size(); ++i) {
        const qint64 lag = lags.at(i);
        partitions.append({ i, lag < 0 ? 1000 : 1000 + lag, lag < 0 ? -1 : 1000, std::max<qint64>(lag, 0) });
    }
    return partitions;
}

KedaKafkaSettings settingsFrom(const QJsonObject& metadata)
{
    const QJsonObject so { { u"spec"_s,
        QJsonObject { { u"triggers"_s,
            QJsonArray { QJsonObject { { u"type"_s, u"kafka"_s }, { u"metadata"_s, metadata } } } } } } };
    QString error;
    const auto settings = KedaScaler::fromScaledObject(so, &error);
    if (!settings)
        qFatal("invalid test metadata: %s", qPrintable(error));
    return *settings;
}

} // namespace

void TestKedaScaler::partitionLag_data()
{
    QTest::addColumn<qint64>("endOffset");
    QTest::addColumn<qint64>("committed");
    QTest::addColumn<QString>("policy");
    QTest::addColumn<bool>("scaleToZeroOnInvalidOffset");
    QTest::addColumn<qint64>("expected");

    QTest::addRow("committed") << qint64(150) << qint64(100) << u"latest"_s << false << qint64(50);
    QTest::addRow("caught up") << qint64(100) << qint64(100) << u"latest"_s << false << qint64(0);
    // getLagForPartition: no committed offset under "latest" counts 1, so the scaler wakes a consumer.
    QTest::addRow("invalid offset, latest") << qint64(150) << qint64(-1) << u"latest"_s << false << qint64(1);
    QTest::addRow("invalid offset, latest, scale to zero")
        << qint64(150) << qint64(-1) << u"latest"_s << true << qint64(0);
    QTest::addRow("invalid offset, earliest") << qint64(150) << qint64(-1) << u"earliest"_s << false << qint64(150);
    QTest::addRow("invalid offset, earliest, scale to zero")
        << qint64(150) << qint64(-1) << u"earliest"_s << true << qint64(0);
    // A partition missing from the latest-offset response counts 0.
    QTest::addRow("end offset unknown") << qint64(-1) << qint64(100) << u"latest"_s << false << qint64(0);
}

void TestKedaScaler::partitionLag()
{
    QFETCH(qint64, endOffset);
    QFETCH(qint64, committed);
    QFETCH(QString, policy);
    QFETCH(bool, scaleToZeroOnInvalidOffset);
    QFETCH(qint64, expected);

    KedaKafkaSettings settings;
    settings.offsetResetEarliest = policy == u"earliest"_s;
    settings.scaleToZeroOnInvalidOffset = scaleToZeroOnInvalidOffset;
    QCOMPARE(KedaScaler::partitionLag({ 0, endOffset, committed, 0 }, settings), expected);
}

void TestKedaScaler::decide_data()
{
    QTest::addColumn<QJsonObject>("metadata");
    QTest::addColumn<int>("minReplicas");
    QTest::addColumn<int>("maxReplicas");
    QTest::addColumn<QList<qint64>>("lags");
    QTest::addColumn<qint64>("metric");
    QTest::addColumn<bool>("active");
    QTest::addColumn<int>("replicas");

    const QJsonObject topic { { u"topic"_s, u"orders"_s } };
    const auto with = [&topic](const QString& key, const QString& value) {
        QJsonObject metadata = topic;
        metadata.insert(key, value);
        return metadata;
    };

    // Default lagThreshold 10: one replica per 10 messages of lag.
    QTest::addRow("even lag") << topic << 0 << 100 << QList<qint64> { 10, 10, 10 } << qint64(30) << true << 3;
    QTest::addRow("rounds up") << topic << 0 << 100 << QList<qint64> { 11, 0, 0 } << qint64(11) << true << 2;
    // Without allowIdleConsumers the metric is capped at lagThreshold per partition: no idle consumers.
    QTest::addRow("capped by partitions")
        << topic << 0 << 100 << QList<qint64> { 100, 0, 0 } << qint64(30) << true << 3;
    QTest::addRow("allowIdleConsumers") << with(u"allowIdleConsumers"_s, u"true"_s) << 0 << 100
                                        << QList<qint64> { 100, 0, 0 } << qint64(100) << true << 10;
    QTest::addRow("limitToPartitionsWithLag") << with(u"limitToPartitionsWithLag"_s, u"true"_s) << 0 << 100
                                              << QList<qint64> { 100, 0, 0 } << qint64(10) << true << 1;
    QTest::addRow("limitToPartitionsWithLag, two lagging") << with(u"limitToPartitionsWithLag"_s, u"true"_s) << 0 << 100
                                                           << QList<qint64> { 100, 5, 0 } << qint64(20) << true << 2;
    // Nothing committed yet: 1 per partition under "latest", enough to activate.
    QTest::addRow("nothing committed") << topic << 0 << 100 << QList<qint64> { -1, -1, -1 } << qint64(3) << true << 1;
    QTest::addRow("nothing committed, scaleToZeroOnInvalidOffset")
        << with(u"scaleToZeroOnInvalidOffset"_s, u"true"_s) << 0 << 100 << QList<qint64> { -1, -1 } << qint64(0)
        << false << 0;
    QTest::addRow("idle scales to zero") << topic << 0 << 100 << QList<qint64> { 0, 0 } << qint64(0) << false << 0;
    QTest::addRow("idle keeps minReplicaCount")
        << topic << 2 << 100 << QList<qint64> { 0, 0 } << qint64(0) << false << 2;
    // Below the activation threshold nothing starts from zero, though the HPA alone would want 4.
    QTest::addRow("below activation") << with(u"activationLagThreshold"_s, u"50"_s) << 0 << 100
                                      << QList<qint64> { 10, 10, 10, 10 } << qint64(40) << false << 0;
    QTest::addRow("at activation is not above") << with(u"activationLagThreshold"_s, u"40"_s) << 0 << 100
                                                << QList<qint64> { 10, 10, 10, 10 } << qint64(40) << false << 0;
    QTest::addRow("below activation, minReplicaCount 1")
        << with(u"activationLagThreshold"_s, u"50"_s) << 1 << 100 << QList<qint64> { 10, 10, 10, 10 } << qint64(40)
        << false << 4;
    QTest::addRow("above activation") << with(u"activationLagThreshold"_s, u"39"_s) << 0 << 100
                                      << QList<qint64> { 10, 10, 10, 10 } << qint64(40) << true << 4;
    QTest::addRow("maxReplicaCount") << with(u"allowIdleConsumers"_s, u"true"_s) << 0 << 2 << QList<qint64> { 100, 100 }
                                     << qint64(200) << true << 2;
    QTest::addRow("lagThreshold 100") << with(u"lagThreshold"_s, u"100"_s) << 0 << 50 << QList<qint64> { 250, 0, 0, 0 }
                                      << qint64(250) << true << 3;
    // ensureEvenDistributionOfPartitions: a factor of 12 partitions, 60 -> 6 consumers, 61 -> 12.
    QTest::addRow("even distribution") << with(u"ensureEvenDistributionOfPartitions"_s, u"true"_s) << 0 << 100
                                       << QList<qint64>(12, 5) << qint64(60) << true << 6;
    QTest::addRow("even distribution, next factor") << with(u"ensureEvenDistributionOfPartitions"_s, u"true"_s) << 0
                                                    << 100 << (QList<qint64>(11, 5) << 6) << qint64(120) << true << 12;
    QTest::addRow("even distribution, small lag") << with(u"ensureEvenDistributionOfPartitions"_s, u"true"_s) << 0
                                                  << 100 << (QList<qint64>(12, 0) << 0) << qint64(10) << false << 0;
}

void TestKedaScaler::decide()
{
    QFETCH(QJsonObject, metadata);
    QFETCH(int, minReplicas);
    QFETCH(int, maxReplicas);
    QFETCH(QList<qint64>, lags);
    QFETCH(qint64, metric);
    QFETCH(bool, active);
    QFETCH(int, replicas);

    KedaKafkaSettings settings = settingsFrom(metadata);
    settings.minReplicaCount = minReplicas;
    settings.maxReplicaCount = maxReplicas;
    const KedaDecision decision = KedaScaler::decide(partitionsWithLags(lags), settings);
    QCOMPARE(decision.totalLag, metric);
    QCOMPARE(decision.active, active);
    QCOMPARE(decision.replicas, replicas);
    QCOMPARE(decision.partitions, lags.size());
}

void TestKedaScaler::hpaTolerance_data()
{
    QTest::addColumn<qint64>("metric");
    QTest::addColumn<int>("current");
    QTest::addColumn<int>("expected");

    // usage / (target * current) within 10% of 1 keeps the current count.
    QTest::addRow("unknown current") << qint64(31) << 0 << 4;
    QTest::addRow("within tolerance above") << qint64(32) << 3 << 3;
    QTest::addRow("within tolerance below") << qint64(27) << 3 << 3;
    QTest::addRow("beyond tolerance above") << qint64(34) << 3 << 4;
    QTest::addRow("beyond tolerance below") << qint64(26) << 3 << 3;
    QTest::addRow("scale down") << qint64(5) << 3 << 1;
}

void TestKedaScaler::hpaTolerance()
{
    QFETCH(qint64, metric);
    QFETCH(int, current);
    QFETCH(int, expected);

    QCOMPARE(KedaScaler::hpaReplicas(metric, 10, current), expected);
}

// KEDA's TestFindFactors.
void TestKedaScaler::factors()
{
    QCOMPARE(KedaScaler::factors(10), (QList<qint64> { 1, 2, 5, 10 }));
    QCOMPARE(KedaScaler::factors(13), (QList<qint64> { 1, 13 }));
    QCOMPARE(KedaScaler::factors(17), (QList<qint64> { 1, 17 }));
    QCOMPARE(KedaScaler::factors(25), (QList<qint64> { 1, 5, 25 }));
    QCOMPARE(KedaScaler::factors(50), (QList<qint64> { 1, 2, 5, 10, 25, 50 }));
    QCOMPARE(KedaScaler::factors(100), (QList<qint64> { 1, 2, 4, 5, 10, 20, 25, 50, 100 }));
    QVERIFY(KedaScaler::factors(0).isEmpty());
}

// KEDA's TestGetNextFactor.
void TestKedaScaler::nextBalancingFactor_data()
{
    QTest::addColumn<qint64>("totalLag");
    QTest::addColumn<qint64>("expected");

    QTest::addRow("10") << qint64(10) << qint64(1);
    QTest::addRow("20") << qint64(20) << qint64(2);
    QTest::addRow("40") << qint64(40) << qint64(4);
    QTest::addRow("50") << qint64(50) << qint64(5);
    QTest::addRow("99") << qint64(99) << qint64(10);
    QTest::addRow("100") << qint64(100) << qint64(10);
    QTest::addRow("101") << qint64(101) << qint64(20);
}

void TestKedaScaler::nextBalancingFactor()
{
    QFETCH(qint64, totalLag);
    QFETCH(qint64, expected);

    QCOMPARE(KedaScaler::nextBalancingFactor(totalLag, 100, 10), expected);
}

// Metadata KEDA's parseKafkaMetadata accepts or rejects (cases after kafka_scaler_test.go).
void TestKedaScaler::scaledObject_data()
{
    QTest::addColumn<QJsonObject>("metadata");
    QTest::addColumn<bool>("valid");

    const QJsonObject base { { u"bootstrapServers"_s, u"broker1:9092,broker2:9092"_s },
        { u"consumerGroup"_s, u"my-group"_s }, { u"topic"_s, u"my-topic"_s } };
    const auto with = [&base](std::initializer_list<std::pair<QString, QString>> entries) {
        QJsonObject metadata = base;
        for (const auto& entry : entries)
            metadata.insert(entry.first, entry.second);
        return metadata;
    };
    QTest::addRow("valid") << base << true;
    QTest::addRow("lagThreshold 0") << with({ { u"lagThreshold"_s, u"0"_s } }) << false;
    QTest::addRow("lagThreshold negative") << with({ { u"lagThreshold"_s, u"-1"_s } }) << false;
    QTest::addRow("lagThreshold not a number") << with({ { u"lagThreshold"_s, u"1.5"_s } }) << false;
    QTest::addRow("activationLagThreshold 0") << with({ { u"activationLagThreshold"_s, u"0"_s } }) << true;
    QTest::addRow("activationLagThreshold negative") << with({ { u"activationLagThreshold"_s, u"-1"_s } }) << false;
    QTest::addRow("offsetResetPolicy earliest") << with({ { u"offsetResetPolicy"_s, u"earliest"_s } }) << true;
    QTest::addRow("offsetResetPolicy foo") << with({ { u"offsetResetPolicy"_s, u"foo"_s } }) << false;
    QTest::addRow("allowIdleConsumers notvalid") << with({ { u"allowIdleConsumers"_s, u"notvalid"_s } }) << false;
    QTest::addRow("allowIdleConsumers T") << with({ { u"allowIdleConsumers"_s, u"T"_s } }) << true;
    QTest::addRow("allowIdleConsumers and limitToPartitionsWithLag")
        << with({ { u"allowIdleConsumers"_s, u"true"_s }, { u"limitToPartitionsWithLag"_s, u"true"_s } }) << false;
    QTest::addRow("limitToPartitionsWithLag without topic")
        << QJsonObject { { u"consumerGroup"_s, u"g"_s }, { u"limitToPartitionsWithLag"_s, u"true"_s } } << false;
    QTest::addRow("limitToPartitionsWithLag and ensureEvenDistributionOfPartitions") << with(
        { { u"limitToPartitionsWithLag"_s, u"true"_s }, { u"ensureEvenDistributionOfPartitions"_s, u"true"_s } })
                                                                                     << false;
    QTest::addRow("ensureEvenDistributionOfPartitions without topic") << QJsonObject { { u"consumerGroup"_s, u"g"_s },
        { u"ensureEvenDistributionOfPartitions"_s, u"true"_s } } << false;
}

void TestKedaScaler::scaledObject()
{
    QFETCH(QJsonObject, metadata);
    QFETCH(bool, valid);

    const QJsonObject so { { u"spec"_s,
        QJsonObject { { u"triggers"_s,
            QJsonArray { QJsonObject { { u"type"_s, u"kafka"_s }, { u"metadata"_s, metadata } } } } } } };
    QString error;
    const auto settings = KedaScaler::fromScaledObject(so, &error);
    QCOMPARE(settings.has_value(), valid);
    QCOMPARE(error.isEmpty(), valid);
}

void TestKedaScaler::scaledObjectBounds()
{
    const QJsonObject so { { u"spec"_s,
        QJsonObject { { u"minReplicaCount"_s, 1 }, { u"maxReplicaCount"_s, 6 }, { u"idleReplicaCount"_s, 0 },
            { u"triggers"_s,
                QJsonArray { QJsonObject { { u"type"_s, u"cpu"_s } },
                    QJsonObject { { u"type"_s, u"kafka"_s },
                        { u"metadata"_s,
                            QJsonObject { { u"consumerGroup"_s, u"lag-consumer-test"_s }, { u"topic"_s, u"test"_s },
                                { u"lagThreshold"_s, u"20"_s }, { u"offsetResetPolicy"_s, u"latest"_s },
                                { u"allowIdleConsumers"_s, u"false"_s } } } } } } } } };
    const auto settings = KedaScaler::fromScaledObject(so);
    QVERIFY(settings);
    QCOMPARE(settings->consumerGroup, u"lag-consumer-test"_s);
    QCOMPARE(settings->topic, u"test"_s);
    QCOMPARE(settings->lagThreshold, 20);
    QCOMPARE(settings->activationLagThreshold, 0);
    QCOMPARE(settings->minReplicaCount, 1);
    QCOMPARE(settings->maxReplicaCount, 6);
    QCOMPARE(settings->idleReplicaCount, std::optional<int>(0));
    QVERIFY(!settings->allowIdleConsumers);
    // Inactive with an idleReplicaCount: the idle count, below minReplicaCount.
    QCOMPARE(KedaScaler::decide(partitionsWithLags({ 0, 0 }), *settings).replicas, 0);
    // The cap compares the integer quotient (50 / 20 = 2) with the partitions, so 2.5 still rounds up to 3.
    QCOMPARE(KedaScaler::decide(partitionsWithLags({ 50, 0 }), *settings).replicas, 3);
    QCOMPARE(KedaScaler::decide(partitionsWithLags({ 70, 0 }), *settings).totalLag, 40);

    // KEDA's defaults: minReplicaCount 0, maxReplicaCount 100, lagThreshold 10.
    const auto defaults = KedaScaler::fromScaledObject(
        { { u"spec"_s, QJsonObject { { u"triggers"_s, QJsonArray { QJsonObject { { u"type"_s, u"kafka"_s } } } } } } });
    QVERIFY(defaults);
    QCOMPARE(defaults->minReplicaCount, 0);
    QCOMPARE(defaults->maxReplicaCount, 100);
    QCOMPARE(defaults->lagThreshold, 10);
    QVERIFY(!defaults->idleReplicaCount);

    QString error;
    QVERIFY(!KedaScaler::fromScaledObject({}, &error));
    QVERIFY(error.contains(u"kafka"_s));
}

void TestKedaScaler::knativeAnnotations_data()
{
    QTest::addColumn<Annotations>("annotations");
    QTest::addColumn<bool>("keda");
    QTest::addColumn<int>("minScale");
    QTest::addColumn<int>("maxScale");
    QTest::addColumn<qint64>("lagThreshold");
    QTest::addColumn<qint64>("activation");

    const QString klass = u"autoscaling.eventing.knative.dev/class"_s;
    const QString keda = u"keda.autoscaling.knative.dev"_s;
    QTest::addRow("no class") << QMap<QString, QString> {} << false << 0 << 0 << qint64(0) << qint64(0);
    QTest::addRow("disabled") << QMap<QString, QString> { { klass, u"disabled"_s } } << false << 0 << 0 << qint64(0)
                              << qint64(0);
    // The Serving class key is not the eventing one.
    QTest::addRow("serving class key") << QMap<QString, QString> { { u"autoscaling.knative.dev/class"_s, keda } }
                                       << false << 0 << 0 << qint64(0) << qint64(0);
    QTest::addRow("defaults") << QMap<QString, QString> { { klass, keda } } << true << 0 << 50 << qint64(100)
                              << qint64(0);
    QTest::addRow("all set") << QMap<QString, QString> { { klass, keda },
        { u"autoscaling.eventing.knative.dev/min-scale"_s, u"1"_s },
        { u"autoscaling.eventing.knative.dev/max-scale"_s, u"8"_s },
        { u"autoscaling.eventing.knative.dev/lag-threshold"_s, u"25"_s },
        { u"autoscaling.eventing.knative.dev/activation-lag-threshold"_s, u"5"_s } }
                             << true << 1 << 8 << qint64(25) << qint64(5);
    QTest::addRow("invalid numbers fall back")
        << QMap<QString, QString> { { klass, keda }, { u"autoscaling.eventing.knative.dev/max-scale"_s, u"many"_s },
               { u"autoscaling.eventing.knative.dev/lag-threshold"_s, u"0"_s } }
        << true << 0 << 50 << qint64(100) << qint64(0);
}

void TestKedaScaler::knativeAnnotations()
{
    QFETCH(Annotations, annotations);
    QFETCH(bool, keda);
    QFETCH(int, minScale);
    QFETCH(int, maxScale);
    QFETCH(qint64, lagThreshold);
    QFETCH(qint64, activation);

    const auto settings = KedaScaler::fromKnativeAnnotations(annotations);
    QCOMPARE(settings.has_value(), keda);
    if (!settings)
        return;
    QCOMPARE(settings->minReplicaCount, minScale);
    QCOMPARE(settings->maxReplicaCount, maxScale);
    QCOMPARE(settings->lagThreshold, lagThreshold);
    QCOMPARE(settings->activationLagThreshold, activation);
    QVERIFY(settings->allowIdleConsumers);
}

QTEST_GUILESS_MAIN(TestKedaScaler)
#include "tst_kedascaler.moc"
