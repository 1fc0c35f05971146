// SPDX-License-Identifier: Apache-2.0
#include "eventhistory.h"

#include "cloudeventcodec.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QStandardPaths>

using namespace Qt::StringLiterals;

namespace {

QString stateName(HistoryEntry::State state)
{
    switch (state) {
    case HistoryEntry::State::Delivered:
        return u"delivered"_s;
    case HistoryEntry::State::Failed:
        return u"failed"_s;
    case HistoryEntry::State::Pending:
        break;
    }
    return u"pending"_s;
}

QJsonObject bulkToJson(const HistoryEntry::Bulk& bulk)
{
    return { { u"template"_s, bulk.source.toJson() }, { u"count"_s, double(bulk.count) },
        { u"ratePerSecond"_s, bulk.ratePerSecond }, { u"window"_s, bulk.window }, { u"sent"_s, double(bulk.sent) },
        { u"failed"_s, double(bulk.failed) }, { u"cancelled"_s, bulk.cancelled }, { u"summary"_s, bulk.summary } };
}

std::optional<HistoryEntry::Bulk> bulkFromJson(const QJsonObject& object)
{
    auto source = SavedEvent::fromJson(object.value(u"template"_s).toObject(), nullptr);
    if (!source)
        return std::nullopt;
    HistoryEntry::Bulk bulk;
    bulk.source = *source;
    bulk.count = qint64(object.value(u"count"_s).toDouble());
    bulk.ratePerSecond = object.value(u"ratePerSecond"_s).toDouble();
    bulk.window = object.value(u"window"_s).toInt();
    bulk.sent = qint64(object.value(u"sent"_s).toDouble());
    bulk.failed = qint64(object.value(u"failed"_s).toDouble());
    bulk.cancelled = object.value(u"cancelled"_s).toBool();
    bulk.summary = object.value(u"summary"_s).toString();
    return bulk;
}

QJsonObject entryToJson(const HistoryEntry& entry)
{
    const auto& r = entry.result;
    QJsonObject object { { u"sentAt"_s, entry.sentAt.toString(Qt::ISODateWithMs) },
        { u"target"_s, entry.target.toJson() }, { u"event"_s, CloudEventJson::toJson(entry.event) },
        { u"state"_s, stateName(entry.state) },
        { u"result"_s,
            QJsonObject { { u"partition"_s, r.partition }, { u"offset"_s, double(r.offset) }, { u"error"_s, r.error },
                { u"target"_s, r.target }, { u"latencyMs"_s, double(r.latencyMs) }, { u"httpStatus"_s, r.httpStatus },
                { u"responseExcerpt"_s, r.responseExcerpt } } },
        { u"matchedTriggers"_s, QJsonArray::fromStringList(entry.matchedTriggers) }, { u"trace"_s, entry.trace } };
    if (entry.bulk)
        object.insert(u"bulk"_s, bulkToJson(*entry.bulk));
    return object;
}

std::optional<HistoryEntry> entryFromJson(const QJsonObject& object)
{
    QString error;
    auto event = CloudEventJson::fromJson(object.value(u"event"_s).toObject(), &error);
    if (!event)
        return std::nullopt;
    HistoryEntry entry;
    entry.event = *event;
    entry.sentAt = QDateTime::fromString(object.value(u"sentAt"_s).toString(), Qt::ISODateWithMs);
    entry.target = PublishTarget::fromJson(object.value(u"target"_s).toObject());
    const auto state = object.value(u"state"_s).toString();
    // A send still pending when the history was saved has no result any more; say so rather than "sending…".
    entry.state = state == u"delivered" ? HistoryEntry::State::Delivered : HistoryEntry::State::Failed;
    const auto r = object.value(u"result"_s).toObject();
    entry.result.ok = entry.state == HistoryEntry::State::Delivered;
    entry.result.partition = r.value(u"partition"_s).toInt(-1);
    entry.result.offset = qint64(r.value(u"offset"_s).toDouble(-1));
    entry.result.error = state == u"pending" ? u"no result: the application closed before it arrived"_s
                                             : r.value(u"error"_s).toString();
    entry.result.target = r.value(u"target"_s).toString();
    entry.result.latencyMs = qint64(r.value(u"latencyMs"_s).toDouble());
    entry.result.httpStatus = r.value(u"httpStatus"_s).toInt();
    entry.result.responseExcerpt = r.value(u"responseExcerpt"_s).toString();
    const auto triggers = object.value(u"matchedTriggers"_s).toArray();
    for (const auto& trigger : triggers)
        entry.matchedTriggers.append(trigger.toString());
    entry.trace = object.value(u"trace"_s).toString();
    if (object.value(u"bulk"_s).isObject()) {
        entry.bulk = bulkFromJson(object.value(u"bulk"_s).toObject());
        if (!entry.bulk)
            return std::nullopt;
        if (state == u"pending")
            entry.bulk->summary = entry.result.error;
    }
    return entry;
}

} // namespace

EventHistory::EventHistory(const QString& filePath, int capacity, QObject* parent)
    : QAbstractTableModel(parent)
    , m_filePath(filePath)
    , m_capacity(std::max(1, capacity))
{
    m_saveTimer.setSingleShot(true);
    m_saveTimer.setInterval(300);
    connect(&m_saveTimer, &QTimer::timeout, this, [this] { save(); });
}

EventHistory::~EventHistory()
{
    if (m_dirty)
        save();
}

QString EventHistory::defaultFilePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) % u"/history.json"_s;
}

bool EventHistory::load(QString* error)
{
    if (m_filePath.isEmpty())
        return true;
    QFile file(m_filePath);
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = m_filePath % u": "_s % file.errorString();
        return false;
    }
    QJsonParseError parseError;
    const auto document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject()) {
        if (error)
            *error = m_filePath % u": "_s % parseError.errorString();
        return false;
    }
    QList<HistoryEntry> entries;
    const auto array = document.object().value(u"entries"_s).toArray();
    for (const auto& item : array) {
        if (entries.size() >= m_capacity)
            break;
        if (auto entry = entryFromJson(item.toObject()))
            entries.append(*entry);
    }
    beginResetModel();
    m_entries = entries;
    endResetModel();
    return true;
}

bool EventHistory::save(QString* error)
{
    m_saveTimer.stop();
    m_dirty = false;
    if (m_filePath.isEmpty())
        return true;
    QJsonArray array;
    for (const auto& entry : std::as_const(m_entries))
        array.append(entryToJson(entry));
    QDir().mkpath(QFileInfo(m_filePath).absolutePath());
    QSaveFile file(m_filePath);
    const QJsonObject root { { u"format"_s, u"meshscope.history/1"_s }, { u"entries"_s, array } };
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(root).toJson(QJsonDocument::Compact)) < 0
        || !file.commit()) {
        if (error)
            *error = m_filePath % u": "_s % file.errorString();
        return false;
    }
    return true;
}

void EventHistory::changedLater()
{
    m_dirty = true;
    if (!m_filePath.isEmpty() && !m_saveTimer.isActive())
        m_saveTimer.start();
}

void EventHistory::add(const PublishTarget& target, const CloudEvent& event, quint64 requestId,
    const QStringList& matchedTriggers, const QDateTime& sentAt)
{
    if (m_entries.size() >= m_capacity) {
        const int first = m_capacity - 1;
        beginRemoveRows({}, first, int(m_entries.size()) - 1);
        m_entries.resize(first);
        endRemoveRows();
    }
    HistoryEntry entry;
    entry.requestId = requestId;
    entry.sentAt = sentAt;
    entry.target = target;
    entry.event = event;
    entry.matchedTriggers = matchedTriggers;
    beginInsertRows({}, 0, 0);
    m_entries.prepend(entry);
    endInsertRows();
    changedLater();
}

void EventHistory::addBulk(const PublishTarget& target, const HistoryEntry::Bulk& bulk, const CloudEvent& firstEvent,
    quint64 requestId, const QDateTime& sentAt)
{
    add(target, firstEvent, requestId, {}, sentAt);
    m_entries.first().bulk = bulk;
    Q_EMIT dataChanged(index(0, 0), index(0, ColumnCount - 1));
}

bool EventHistory::setBulkResult(quint64 requestId, qint64 sent, qint64 failed, bool cancelled, const QString& summary)
{
    const int row = rowOf(requestId);
    if (row < 0 || !m_entries.at(row).bulk)
        return false;
    auto& entry = m_entries[row];
    entry.bulk->sent = sent;
    entry.bulk->failed = failed;
    entry.bulk->cancelled = cancelled;
    entry.bulk->summary = summary;
    entry.result.ok = failed == 0;
    entry.result.error = failed == 0 ? QString() : summary;
    entry.state = failed == 0 ? HistoryEntry::State::Delivered : HistoryEntry::State::Failed;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    changedLater();
    return true;
}

int EventHistory::rowOf(quint64 requestId) const
{
    if (requestId == 0)
        return -1;
    for (int row = 0; row < m_entries.size(); ++row) {
        if (m_entries.at(row).requestId == requestId)
            return row;
    }
    return -1;
}

bool EventHistory::setResult(quint64 requestId, const DeliveryResult& result)
{
    const int row = rowOf(requestId);
    if (row < 0)
        return false;
    auto& entry = m_entries[row];
    entry.result = result;
    entry.state = result.ok ? HistoryEntry::State::Delivered : HistoryEntry::State::Failed;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    changedLater();
    return true;
}

bool EventHistory::setTraceText(quint64 requestId, const QString& text)
{
    const int row = rowOf(requestId);
    if (row < 0)
        return false;
    m_entries[row].trace = text;
    Q_EMIT dataChanged(index(row, TraceColumn), index(row, TraceColumn));
    changedLater();
    return true;
}

void EventHistory::clear()
{
    beginResetModel();
    m_entries.clear();
    endResetModel();
    changedLater();
}

QString EventHistory::resultText(const HistoryEntry& entry)
{
    const auto& r = entry.result;
    if (entry.bulk) {
        if (entry.state == HistoryEntry::State::Pending)
            return tr("bulk: sending %1 events…").arg(entry.bulk->count);
        return tr("bulk: %1").arg(entry.bulk->summary);
    }
    switch (entry.state) {
    case HistoryEntry::State::Pending:
        return tr("sending…");
    case HistoryEntry::State::Failed:
        return tr("failed: %1").arg(r.error);
    case HistoryEntry::State::Delivered:
        break;
    }
    if (r.partition >= 0)
        return tr("delivered: partition %1, offset %2 (%3 ms)").arg(r.partition).arg(r.offset).arg(r.latencyMs);
    if (r.httpStatus > 0)
        return tr("delivered: HTTP %1 (%2 ms)").arg(r.httpStatus).arg(r.latencyMs);
    return tr("delivered (%1 ms)").arg(r.latencyMs);
}

int EventHistory::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_entries.size()); }

int EventHistory::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant EventHistory::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& entry = m_entries.at(index.row());
    if (role == StateRole)
        return int(entry.state);
    if (role == RequestIdRole)
        return entry.requestId;
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case TimeColumn:
        return role == Qt::ToolTipRole ? entry.sentAt.toLocalTime().toString(Qt::ISODateWithMs)
                                       : entry.sentAt.toLocalTime().toString(u"HH:mm:ss"_s);
    case TypeColumn:
        return entry.event.type;
    case IdColumn:
        if (entry.bulk)
            return tr("%1 events from a template").arg(entry.bulk->count);
        return entry.event.id;
    case TargetColumn:
        return entry.target.description();
    case ResultColumn:
        if (role == Qt::ToolTipRole && !entry.result.responseExcerpt.isEmpty())
            return QString(resultText(entry) % u"\n"_s % entry.result.responseExcerpt);
        return resultText(entry);
    case TraceColumn:
        if (role == Qt::ToolTipRole && !entry.matchedTriggers.isEmpty())
            return tr("Matched triggers: %1").arg(entry.matchedTriggers.join(u", "_s));
        return entry.trace;
    default:
        return {};
    }
}

QVariant EventHistory::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Sent");
    case TypeColumn:
        return tr("Type");
    case IdColumn:
        return tr("Id");
    case TargetColumn:
        return tr("Target");
    case ResultColumn:
        return tr("Result");
    case TraceColumn:
        return tr("Trace");
    default:
        return {};
    }
}
