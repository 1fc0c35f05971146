// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "bulksender.h"
#include "cloudevent.h"
#include "eventcollection.h"
#include "eventpublisher.h"
#include "filterevaluator.h"
#include "knativeobject.h"
#include "templateengine.h"

#include <QHash>
#include <QTimer>
#include <QWidget>

class EventHistory;
class KafkaTransport;
class KubeIngressTransport;
class ObjectStore;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QDoubleSpinBox;
class QStackedWidget;
class QTableView;
class QTableWidget;
class QTabWidget;

// Compose a CloudEvent (placeholders allowed in every field), see which triggers will receive it and why, and publish
// it the way the target really ingests events: a broker (its Kafka topic, else its HTTP ingress), a Kafka topic, a
// RabbitMQ exchange, or any HTTP URL. Every field is validated with its message next to it; an invalid event cannot
// be sent and nothing typed is lost. Sent events go to a persisted history (resend, replay, export); templates are
// saved in named collections; a bulk sender sends N events at a chosen rate.
class PublisherPage : public QWidget {
    Q_OBJECT
public:
    enum class TargetKind { Broker, KafkaTopic, AmqpExchange, HttpUrl };
    enum class DataMode { None, Json, Text, Binary };

    explicit PublisherPage(const ObjectStore* store, QWidget* parent = nullptr);
    ~PublisherPage() override;

    // The session's Kafka transport (not owned); the broker target uses it for Kafka-class brokers.
    void setTransport(KafkaTransport* transport);
    // The AMQP transport (not owned), see EventPublisher::setAmqpTransport.
    template <typename Transport>
    void setAmqpTransport(Transport* transport)
    {
        m_publisher->setAmqpTransport(transport);
        m_bulkPublisher->setAmqpTransport(transport);
        validateNow();
    }
    // The connected cluster's way to in-cluster broker addresses (not owned), see EventPublisher::setClusterTransport.
    void setClusterTransport(KubeIngressTransport* transport);
    // Where collections (<dir>/collections) and the history (<dir>/history.json) are kept; by default
    // QStandardPaths::AppDataLocation. Reloads both.
    void setStorageDirectory(const QString& directory);
    // The trace column of a sent event (the window follows it through consumer groups).
    void setTraceText(quint64 requestId, const QString& text);

    void selectBroker(const ObjectKey& broker);
    void setTarget(
        TargetKind kind, const QString& name = QString(), HttpTransport::Mode mode = HttpTransport::Mode::Binary);
    PublishTarget currentTarget(QString* problem = nullptr) const;

    // The composer as a template, and one preview expansion of it (what Send would send, placeholders aside).
    CloudEventTemplate eventTemplate() const;
    CloudEvent event() const;
    void loadEvent(const CloudEvent& event);
    void loadTemplate(const SavedEvent& saved);
    void setDataMode(DataMode mode);
    void setBinaryData(const QByteArray& bytes, const QString& origin = QString());
    void addExtension(const QString& name, const QString& typeName, const QString& value);

    // Validates at once (it also runs shortly after every edit). Problems are "field: message".
    void validateNow();
    QStringList problems() const { return m_problems; }
    // The message shown next to a field ("id", "source", ..., "extensions", "data", "target"); empty when fine.
    QString fieldMessage(const QString& field) const;
    QStringList matchingTriggerNames() const;
    QString lastResult() const;

    // Indents the JSON data by its brackets; member order and placeholders stay as typed. Refuses (with a message
    // in the status line) when the data is not valid JSON.
    void prettyPrint();
    // Publishes the composed event; returns its request id, 0 when the event or the target is not valid.
    quint64 publish();
    // Sends history rows again: resend keeps each event as it was; replay gives them fresh ids and times. A bulk
    // send's row starts the same bulk send again, from the row's template and target (the first such row; one bulk
    // send runs at a time; the composer keeps what is typed in it). Returns the ids of what was sent.
    QList<quint64> resendHistoryRows(const QList<int>& rows, bool replay);

    bool importFile(const QString& path, QString* error = nullptr);
    bool exportEvents(const QString& path, const QList<CloudEvent>& events, QString* error = nullptr);

    // Collections
    QStringList collectionNames() const;
    bool openCollection(const QString& name, QString* error = nullptr);
    const EventCollection& collection() const { return m_collection; }
    // Adds the composer's template to the open collection (and names the collection when it has no name).
    void addToCollection(const QString& eventName);
    bool saveCollection(const QString& name, QString* error = nullptr);

    // Bulk
    bool startBulk(qint64 count, double ratePerSecond, int window, QString* error = nullptr);
    void cancelBulk();

    EventPublisher* publisher() const { return m_publisher; }
    EventPublisher* bulkPublisher() const { return m_bulkPublisher; }
    BulkSender* bulkSender() const { return m_bulk; }
    EventHistory* history() const { return m_history; }

    // Form access for tests and for the graph's context actions.
    QLineEdit* idField() const { return m_id; }
    QLineEdit* typeField() const { return m_type; }
    QLineEdit* sourceField() const { return m_source; }
    QPlainTextEdit* dataField() const { return m_data; }
    QTableWidget* extensionTable() const { return m_extensions; }
    QPushButton* publishButton() const { return m_publish; }
    QProgressBar* bulkProgress() const { return m_bulkProgress; }
    QLabel* bulkSummaryLabel() const { return m_bulkSummary; }
    QListWidget* bulkFailureList() const { return m_bulkFailures; }
    QTableView* historyView() const { return m_historyView; }

Q_SIGNALS:
    // At the moment of sending, with the triggers that will receive the event (their names, in the broker's
    // namespace); for lighting the graph's edges.
    void published(
        const ObjectKey& broker, const CloudEvent& event, const QStringList& matchedTriggers, quint64 requestId);
    // When the target answered (or the send failed).
    void delivered(quint64 requestId, const ObjectKey& broker, const CloudEvent& event,
        const QStringList& matchedTriggers, const DeliveryResult& result);
    void resultShown(const QString& text);
    void bulkFinished(const BulkSummary& summary);

private:
    struct Sent {
        ObjectKey broker;
        CloudEvent event;
        QStringList matchedTriggers;
    };

    QWidget* buildComposer(QWidget** footer);
    QWidget* buildTargetBox();
    QWidget* buildHistoryTab();
    QWidget* buildCollectionsTab();
    QWidget* buildBulkTab();
    void refreshBrokers();
    void connectHistoryView();
    void updateHistoryDetail();
    void refreshCollectionList();
    void updateTargetWidgets();
    void showFieldMessages(const QHash<QString, QString>& messages);
    std::optional<ObjectKey> receivingBroker(const PublishTarget& target) const;
    QStringList evaluateMatches(const ObjectKey& broker, const CloudEvent& event, QStringList* reasons) const;
    quint64 send(const PublishTarget& target, const CloudEvent& event);
    void onDelivered(quint64 requestId, const DeliveryResult& result);
    void onBulkFinished(const BulkSummary& summary);
    void chooseImportFile();
    void chooseExportFile();
    void chooseBinaryFile();
    SavedEvent savedEventFromComposer(const QString& name) const;
    // A bulk send of the template to its target, recorded in the history as one entry.
    bool startBulkFrom(const SavedEvent& source, qint64 count, double ratePerSecond, int window, QString* error);
    void scheduleValidation() { m_validateTimer.start(); }

    const ObjectStore* m_store;
    EventPublisher* m_publisher;
    EventPublisher* m_bulkPublisher;
    BulkSender* m_bulk;
    // The history entry of the running bulk send: ids of their own, with the top bit set, apart from the
    // publisher's.
    quint64 m_bulkRuns = 0;
    quint64 m_bulkHistoryId = 0;
    EventHistory* m_history;
    QString m_collectionDirectory;
    EventCollection m_collection;
    FilterEvaluator m_filters;
    TemplateEngine m_engine;
    QTimer m_validateTimer;
    QStringList m_problems;
    QHash<QString, QString> m_fieldMessages;
    QHash<QString, QLabel*> m_fieldLabels;
    QHash<quint64, Sent> m_sent;
    QByteArray m_binaryData;

    // Target
    QComboBox* m_targetKind;
    QStackedWidget* m_targetStack;
    QComboBox* m_broker;
    QLineEdit* m_topic;
    QLineEdit* m_exchange;
    QLineEdit* m_url;
    QComboBox* m_httpMode;
    // Composer
    QLineEdit* m_id;
    QLineEdit* m_source;
    QLineEdit* m_type;
    QLineEdit* m_subject;
    QComboBox* m_contentType;
    QLineEdit* m_dataSchema;
    QCheckBox* m_setTime;
    QLineEdit* m_time;
    QTableWidget* m_extensions;
    QComboBox* m_dataMode;
    QPlainTextEdit* m_data;
    QLabel* m_binaryInfo;
    QPushButton* m_prettyPrint;
    QLabel* m_problemLabel;
    QPushButton* m_publish;
    // Right side
    QTabWidget* m_tabs;
    QListWidget* m_matches;
    QTableView* m_historyView;
    QLabel* m_historyDetail;
    QComboBox* m_collectionName;
    QListWidget* m_collectionEvents;
    QSpinBox* m_bulkCount;
    QDoubleSpinBox* m_bulkRate;
    QSpinBox* m_bulkWindow;
    QPushButton* m_bulkStart;
    QPushButton* m_bulkCancel;
    QProgressBar* m_bulkProgress;
    QLabel* m_bulkSummary;
    QListWidget* m_bulkFailures;
    QLabel* m_status;
};
