// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "objectsource.h"

#include <QHash>

class DemoKafka;
struct ScaleSample;

// The embedded demo mesh: the bundled manifests, with this class playing Knative's controllers (it writes
// the status they would write: Ready conditions, addresses, topics, consumer groups, subscriber URIs, and
// replicas from the simulated autoscaler), and an in-process Kafka cluster carrying live traffic.
class DemoSource : public ObjectSource {
    Q_OBJECT
public:
    static constexpr QLatin1StringView origin { "demo" };

    explicit DemoSource(QObject* parent = nullptr);
    ~DemoSource() override;

    void start() override;
    QString displayName() const override;
    QString bootstrapServers() const { return m_bootstrapServers; }
    static QStringList manifestFiles();

Q_SIGNALS:
    void kafkaStarted(const QString& bootstrapServers);
    void kafkaError(const QString& message);

private:
    KnativeObjectPtr withControllerStatus(const KnativeObjectPtr& object) const;
    void onScaleChanged(const QList<ScaleSample>& samples);

    DemoKafka* m_kafka;
    QHash<ObjectKey, KnativeObjectPtr> m_objects;
    QString m_bootstrapServers;
};
