// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QMutex>

#include <deque>
#include <functional>

// One message as the log keeps it: already redacted.
struct LogRecord {
    QDateTime time;
    QtMsgType level = QtDebugMsg;
    QString category;
    QString message;

    // "2026-11-26T14:00:00.123 warning meshscope.kube: message", the line saved logs and crash reports use.
    QString toString() const;
    static QString levelName(QtMsgType level);
};

// The application's recent messages: a bounded ring of records with time, level, category and message, every
// message redacted by SecretRedactor before it is kept. Installed as the Qt message handler it sees everything the
// app and Qt log, from any thread, and forwards the redacted text to the handler installed before (stderr). Rows
// arrive on the model's thread in batches; the oldest fall out once capacity is reached.
class LogModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { TimeColumn, LevelColumn, CategoryColumn, MessageColumn, ColumnCount };
    enum Role { LevelRole = Qt::UserRole + 1 };
    // Called in the thread that logs, with the redacted line: what a crash report keeps.
    using Tap = std::function<void(const LogRecord& record, const QString& line)>;

    explicit LogModel(int capacity = 10000, QObject* parent = nullptr);
    ~LogModel() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    int capacity() const { return m_capacity; }
    const LogRecord& record(int row) const { return m_records[std::size_t(row)]; }
    // Thread-safe. The record shows up once the model's thread handles events (or flush() runs there).
    void append(QtMsgType level, const QString& category, const QString& message);
    // Moves what was appended into the rows; the model's thread only.
    void flush();
    void clear();
    // Every record as a line, redacted again so that secrets registered after a message was logged are hidden too.
    bool save(const QString& path, QString* error) const;

    // Makes this model the Qt message handler (and tap, when given, sees each message); the handler installed
    // before keeps receiving every message, redacted. uninstall() puts it back.
    static void install(LogModel* model, Tap tap = {});
    static void uninstall();

Q_SIGNALS:
    void recordsAdded(int count);

private:
    void appendRedacted(LogRecord record);
    static void handleMessage(QtMsgType type, const QMessageLogContext& context, const QString& message);

    const int m_capacity;
    std::deque<LogRecord> m_records;
    QMutex m_pendingLock;
    std::deque<LogRecord> m_pending;
    bool m_flushQueued = false;
};
