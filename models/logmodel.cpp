// SPDX-License-Identifier: Apache-2.0
#include "logmodel.h"

#include "secretredactor.h"

#include <QFile>
#include <QMetaObject>
#include <QPointer>
#include <QSaveFile>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

struct Installation {
    QMutex lock;
    QPointer<LogModel> model;
    LogModel::Tap tap;
    QtMessageHandler previous = nullptr;
    bool installed = false;
};

Installation& installation()
{
    static Installation instance;
    return instance;
}

// A message logged while handling a message (e.g. by the model itself) must not recurse into the model.
thread_local bool handling = false;

} // namespace

QString LogRecord::levelName(QtMsgType level)
{
    switch (level) {
    case QtDebugMsg:
        return u"debug"_s;
    case QtInfoMsg:
        return u"info"_s;
    case QtWarningMsg:
        return u"warning"_s;
    case QtCriticalMsg:
        return u"critical"_s;
    case QtFatalMsg:
        return u"fatal"_s;
    }
    return u"debug"_s;
}

QString LogRecord::toString() const
{
    return time.toString(Qt::ISODateWithMs) % u' ' % levelName(level) % u' ' % category % u": "_s % message;
}

LogModel::LogModel(int capacity, QObject* parent)
    : QAbstractTableModel(parent)
    , m_capacity(std::max(1, capacity))
{
}

LogModel::~LogModel()
{
    auto& state = installation();
    QMutexLocker locker(&state.lock);
    if (state.model == this)
        state.model = nullptr;
}

int LogModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_records.size()); }

int LogModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant LogModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& record = m_records[std::size_t(index.row())];
    if (role == LevelRole)
        return int(record.level);
    if (role == Qt::ToolTipRole && index.column() == MessageColumn)
        return record.message;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case TimeColumn:
        return record.time.toString(u"HH:mm:ss.zzz"_s);
    case LevelColumn:
        return LogRecord::levelName(record.level);
    case CategoryColumn:
        return record.category;
    case MessageColumn:
        return record.message;
    default:
        return {};
    }
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case LevelColumn:
        return tr("Level");
    case CategoryColumn:
        return tr("Category");
    case MessageColumn:
        return tr("Message");
    default:
        return {};
    }
}

void LogModel::append(QtMsgType level, const QString& category, const QString& message)
{
    appendRedacted({ QDateTime::currentDateTime(), level, category, SecretRedactor::redact(message) });
}

void LogModel::appendRedacted(LogRecord record)
{
    QMutexLocker locker(&m_pendingLock);
    m_pending.push_back(std::move(record));
    // A flood from another thread must not grow the queue beyond what the ring keeps anyway.
    while (m_pending.size() > std::size_t(m_capacity))
        m_pending.pop_front();
    if (!m_flushQueued) {
        m_flushQueued = true;
        QMetaObject::invokeMethod(this, &LogModel::flush, Qt::QueuedConnection);
    }
}

void LogModel::flush()
{
    std::deque<LogRecord> batch;
    {
        QMutexLocker locker(&m_pendingLock);
        batch.swap(m_pending);
        m_flushQueued = false;
    }
    if (batch.empty())
        return;
    const int incoming = int(batch.size());
    const int overflow = int(m_records.size()) + incoming - m_capacity;
    if (overflow > 0) {
        const int removed = std::min(overflow, int(m_records.size()));
        if (removed > 0) {
            beginRemoveRows({}, 0, removed - 1);
            m_records.erase(m_records.begin(), m_records.begin() + removed);
            endRemoveRows();
        }
    }
    const int first = int(m_records.size());
    beginInsertRows({}, first, first + incoming - 1);
    for (auto& record : batch)
        m_records.push_back(std::move(record));
    endInsertRows();
    Q_EMIT recordsAdded(incoming);
}

void LogModel::clear()
{
    {
        QMutexLocker locker(&m_pendingLock);
        m_pending.clear();
    }
    beginResetModel();
    m_records.clear();
    endResetModel();
}

bool LogModel::save(const QString& path, QString* error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    for (const auto& record : m_records) {
        LogRecord again = record;
        again.message = SecretRedactor::redact(record.message);
        file.write(again.toString().toUtf8());
        file.write("\n");
    }
    if (!file.commit()) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void LogModel::install(LogModel* model, Tap tap)
{
    auto& state = installation();
    QMutexLocker locker(&state.lock);
    state.model = model;
    state.tap = std::move(tap);
    if (!state.installed) {
        state.previous = qInstallMessageHandler(&LogModel::handleMessage);
        state.installed = true;
    }
}

void LogModel::uninstall()
{
    auto& state = installation();
    QMutexLocker locker(&state.lock);
    if (!state.installed)
        return;
    qInstallMessageHandler(state.previous);
    state.previous = nullptr;
    state.model = nullptr;
    state.tap = {};
    state.installed = false;
}

void LogModel::handleMessage(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    auto& state = installation();
    const QString redacted = SecretRedactor::redact(message);
    if (handling) {
        // Logged while handling a message, with the lock held: straight to stderr.
        fprintf(stderr, "%s\n", qUtf8Printable(redacted));
        return;
    }
    handling = true;
    QtMessageHandler previous = nullptr;
    {
        QMutexLocker locker(&state.lock);
        previous = state.previous;
        LogRecord record { QDateTime::currentDateTime(), type,
            context.category ? QString::fromUtf8(context.category) : u"default"_s, redacted };
        if (state.tap)
            state.tap(record, record.toString());
        if (state.model)
            state.model->appendRedacted(std::move(record));
    }
    if (previous)
        previous(type, context, redacted);
    else
        fprintf(stderr, "%s\n", qUtf8Printable(redacted));
    handling = false;
}
