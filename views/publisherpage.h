// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"
#include "filterevaluator.h"
#include "knativeobject.h"

#include <QHash>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class KafkaTransport;
class ObjectStore;
class QComboBox;
class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class QTreeWidget;
class QTreeWidgetItem;
struct DeliveryResult;

// Compose a CloudEvent, see which triggers of the broker will receive it, and publish it to the broker's
// Kafka topic the way the Knative Kafka broker stores events. An invalid event cannot be sent; nothing typed
// is lost on errors.
class PublisherPage : public QWidget {
    Q_OBJECT
public:
    explicit PublisherPage(const ObjectStore* store, QWidget* parent = nullptr);

    void setTransport(KafkaTransport* transport);
    void selectBroker(const ObjectKey& broker);

    // The event as the form describes it, and the problems with it (field and message).
    CloudEvent event() const;
    QStringList problems() const { return m_problems; }
    QStringList matchingTriggerNames() const;
    QString lastResult() const;

    // Form access for tests and for the graph's context actions.
    QLineEdit* typeField() const { return m_type; }
    QLineEdit* sourceField() const { return m_source; }
    QPlainTextEdit* dataField() const { return m_data; }
    QPushButton* publishButton() const { return m_publish; }

    void publish();

Q_SIGNALS:
    void published(const ObjectKey& broker, const CloudEvent& event, const QStringList& matchedTriggers);
    void resultShown(const QString& text);

private:
    void refreshBrokers();
    void reevaluate();
    void onDelivered(quint64 requestId, const DeliveryResult& result);
    ObjectKey currentBroker() const;

    const ObjectStore* m_store;
    QPointer<KafkaTransport> m_transport;
    QComboBox* m_broker;
    QLineEdit* m_id;
    QLineEdit* m_source;
    QLineEdit* m_type;
    QLineEdit* m_subject;
    QLineEdit* m_contentType;
    QCheckBox* m_setTime;
    QTableWidget* m_extensions;
    QPlainTextEdit* m_data;
    QLabel* m_problemLabel;
    QListWidget* m_matches;
    QPushButton* m_publish;
    QTreeWidget* m_results;
    QTimer m_evaluateTimer;
    QStringList m_problems;
    struct Pending {
        CloudEvent event;
        QString target;
        QTreeWidgetItem* item = nullptr;
    };
    QHash<quint64, Pending> m_pending;
    FilterEvaluator m_filters;
};
