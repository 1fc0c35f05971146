// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"
#include "deliveryresult.h"
#include "eventcollection.h"
#include "eventpublisher.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>
#include <QStringList>
#include <QTimer>

#include <optional>

// One sent event: where it went, when, what came of it, and which triggers were to receive it. Or one bulk send.
struct HistoryEntry {
    enum class State { Pending, Delivered, Failed };

    // A bulk send is one entry, however many events it sent: what it expanded (the composer's template and target),
    // how, and its outcome. Its event is the template's first expansion ({{seq}} 1), made again for the entry: random
    // placeholders and {{uuid}} may differ from what was sent.
    struct Bulk {
        SavedEvent source;
        qint64 count = 0;
        double ratePerSecond = 0; // 0: as fast as the target acknowledges
        int window = 0;
        qint64 sent = 0;
        qint64 failed = 0;
        bool cancelled = false;
        QString summary; // BulkSummary::text()
        friend bool operator==(const Bulk&, const Bulk&) = default;
    };

    quint64 requestId = 0; // the sender's id for it in this session; 0 for entries loaded from disk
    QDateTime sentAt;
    PublishTarget target;
    CloudEvent event;
    State state = State::Pending;
    DeliveryResult result;
    QStringList matchedTriggers;
    QString trace; // where the event went after the broker, as the window follows it
    std::optional<Bulk> bulk;
};

// The history of sent events, newest first, bounded (the oldest go first) and kept in a JSON file that is written
// atomically shortly after every change and when the history is destroyed. A table model for the page's view.
class EventHistory : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { TimeColumn, TypeColumn, IdColumn, TargetColumn, ResultColumn, TraceColumn, ColumnCount };
    enum Role { StateRole = Qt::UserRole + 1, RequestIdRole };

    // An empty filePath keeps the history in memory only.
    explicit EventHistory(const QString& filePath = QString(), int capacity = 1000, QObject* parent = nullptr);
    ~EventHistory() override;

    static QString defaultFilePath();
    QString filePath() const { return m_filePath; }
    int capacity() const { return m_capacity; }

    // Replaces the entries by the file's; a missing file is an empty history, not an error.
    bool load(QString* error = nullptr);
    bool save(QString* error = nullptr);

    // Adds a pending entry at the top.
    void add(const PublishTarget& target, const CloudEvent& event, quint64 requestId,
        const QStringList& matchedTriggers = {}, const QDateTime& sentAt = QDateTime::currentDateTimeUtc());
    // Adds a pending bulk send at the top; requestId must not collide with the single events' ids.
    void addBulk(const PublishTarget& target, const HistoryEntry::Bulk& bulk, const CloudEvent& firstEvent,
        quint64 requestId, const QDateTime& sentAt = QDateTime::currentDateTimeUtc());
    // False when no entry has the id (it was dropped, or belongs to someone else).
    bool setResult(quint64 requestId, const DeliveryResult& result);
    // The bulk send's outcome: delivered when every event was, failed when any failed (a cancelled send without
    // failures stays delivered: what it sent arrived).
    bool setBulkResult(quint64 requestId, qint64 sent, qint64 failed, bool cancelled, const QString& summary);
    bool setTraceText(quint64 requestId, const QString& text);
    void clear();

    qsizetype size() const { return m_entries.size(); }
    const HistoryEntry& entry(int row) const { return m_entries.at(row); }
    int rowOf(quint64 requestId) const;

    // "delivered: partition 0, offset 17 (3 ms)", "HTTP 202 (4 ms)", "failed: <reason>", "sending…"; for a bulk
    // send "bulk: <summary>".
    static QString resultText(const HistoryEntry& entry);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void changedLater();

    QString m_filePath;
    int m_capacity;
    QList<HistoryEntry> m_entries;
    QTimer m_saveTimer;
    bool m_dirty = false;
};
