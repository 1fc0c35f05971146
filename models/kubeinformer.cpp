// SPDX-License-Identifier: Apache-2.0
#include "kubeinformer.h"

#include "manifestparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

#include <algorithm>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

// A watch that ends this soon without a single event is treated as a failure, so that a server closing watches
// at once is not hammered in a tight loop (client-go does the same).
constexpr auto ShortWatch = 1s;
// How long past its timeoutSeconds a watch may stay open before it is presumed dead.
constexpr auto WatchGrace = 30s;
constexpr auto ListTimeout = 60s;

QString keyOf(const QJsonObject& metadata)
{
    return metadata.value("namespace"_L1).toString() + u'/' + metadata.value("name"_L1).toString();
}

QString timeText(const QDateTime& time) { return time.toLocalTime().toString(u"HH:mm:ss"_s); }

} // namespace

KubeInformer::KubeInformer(
    KubeClient* client, const KubeResource& resource, const QString& ns, const QString& origin, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_resource(resource)
    , m_ns(resource.namespaced ? ns : QString())
    , m_origin(origin)
    , m_retryTimer(this)
    , m_watchdog(this)
    , m_settleTimer(this)
{
    m_retryTimer.setSingleShot(true);
    m_watchdog.setSingleShot(true);
    m_settleTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &KubeInformer::retry);
    connect(&m_watchdog, &QTimer::timeout, this, [this] {
        abortCall();
        KubeError error;
        error.kind = KubeError::Kind::Timeout;
        error.message = u"The watch of "_s + describe() + u" outlived its timeout without closing"_s;
        fail(error);
    });
    connect(&m_settleTimer, &QTimer::timeout, this, [this] { setState(State::Synced, u"Watching "_s + describe()); });
}

KubeInformer::~KubeInformer() { abortCall(); }

void KubeInformer::setOptions(const Options& options) { m_options = options; }

QString KubeInformer::describe() const
{
    const QString where = m_ns.isEmpty() ? (m_resource.namespaced ? u" in all namespaces"_s : QString())
                                         : u" in namespace \""_s + m_ns + u'"';
    return m_resource.qualifiedName() + where;
}

QString KubeInformer::stateName(State state)
{
    switch (state) {
    case State::Idle:
        return u"idle"_s;
    case State::Listing:
        return u"listing"_s;
    case State::Synced:
        return u"synced"_s;
    case State::Reconnecting:
        return u"reconnecting"_s;
    case State::Forbidden:
        return u"forbidden"_s;
    case State::NotInstalled:
        return u"not installed"_s;
    case State::Failed:
        return u"failed"_s;
    }
    return {};
}

void KubeInformer::start()
{
    if (m_running)
        return;
    m_running = true;
    if (m_needList || m_resourceVersion.isEmpty())
        startList();
    else
        startWatch();
}

void KubeInformer::stop()
{
    m_running = false;
    abortCall();
    m_retryTimer.stop();
    m_watchdog.stop();
    m_settleTimer.stop();
    m_nextRetry = {};
    // A list cut short must start over; its pages were reported, the deletions were not.
    if (!m_seen.isEmpty() || !m_continue.isEmpty())
        m_needList = true;
    setState(State::Idle, QString());
}

void KubeInformer::retryNow()
{
    if (m_running && m_retryTimer.isActive()) {
        m_retryTimer.stop();
        retry();
    }
}

void KubeInformer::abortCall()
{
    if (!m_call)
        return;
    // abort() reports Cancelled synchronously: nothing of ours may react to it.
    KubeCall* call = m_call;
    m_call = nullptr;
    call->disconnect(this);
    call->abort();
}

void KubeInformer::setState(State state, const QString& message, bool always)
{
    if (!always && state == m_state && message == m_stateMessage)
        return;
    m_state = state;
    m_stateMessage = message;
    Q_EMIT stateChanged(state, message);
}

void KubeInformer::startList()
{
    abortCall();
    m_retryTimer.stop();
    m_watchdog.stop();
    m_settleTimer.stop();
    m_needList = true;
    m_seen.clear();
    m_continue.clear();
    setState(State::Listing, u"Listing "_s + describe());
    requestPage();
}

void KubeInformer::requestPage()
{
    if (!m_client)
        return;
    KubeRequest request;
    request.path = m_resource.path(m_ns);
    // No resourceVersion: a consistent read of the newest state, as client-go relists after an expiry. Every
    // page of it shares the first page's resourceVersion.
    request.query.addQueryItem(u"limit"_s, QString::number(m_options.pageSize));
    if (!m_continue.isEmpty())
        request.query.addQueryItem(u"continue"_s, m_continue);
    request.kubeVerb = u"list"_s;
    request.resource = m_resource.qualifiedName();
    request.ns = m_ns;
    request.timeout = ListTimeout;
    m_call = m_client->send(request);
    connect(m_call, &KubeCall::finished, this, &KubeInformer::onPage);
}

void KubeInformer::normalize(QJsonObject& object) const
{
    if (!object.contains("apiVersion"_L1))
        object.insert("apiVersion"_L1, m_resource.apiVersion());
    if (!object.contains("kind"_L1))
        object.insert("kind"_L1, m_resource.kind);
    const auto metadata = object.find("metadata"_L1);
    if (metadata != object.end() && metadata->toObject().contains("managedFields"_L1)) {
        QJsonObject value = metadata->toObject();
        value.remove("managedFields"_L1);
        *metadata = value;
    }
}

void KubeInformer::onPage(const KubeResponse& response)
{
    m_call = nullptr;
    if (!response.ok()) {
        if (response.error.kind == KubeError::Kind::Gone && !m_continue.isEmpty())
            relist(response.error.message);
        else
            fail(response.error);
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(response.body, &parseError);
    if (!document.isObject()) {
        KubeError error;
        error.kind = KubeError::Kind::Protocol;
        error.httpStatus = response.httpStatus;
        error.message = u"The list of "_s + describe() + u" is not a JSON object: "_s + parseError.errorString();
        fail(error);
        return;
    }
    const QJsonObject list = document.object();
    const QJsonArray items = list.value("items"_L1).toArray();

    ObjectChangeBatch batch;
    for (const QJsonValue& value : items) {
        QJsonObject item = value.toObject();
        const QJsonObject metadata = item.value("metadata"_L1).toObject();
        const QString key = keyOf(metadata);
        m_seen.insert(key);
        const auto known = m_cache.constFind(key);
        if (known != m_cache.constEnd()
            && known.value()->resourceVersion == metadata.value("resourceVersion"_L1).toString())
            continue;
        normalize(item);
        KnativeObjectPtr object = ManifestParser::fromJson(item, m_origin);
        if (!object)
            continue;
        const auto type = known == m_cache.constEnd() ? ObjectChange::Type::Added : ObjectChange::Type::Modified;
        m_cache.insert(key, object);
        batch.append({ type, std::move(object) });
    }

    const QJsonObject listMetadata = list.value("metadata"_L1).toObject();
    const QString next = listMetadata.value("continue"_L1).toString();
    if (!next.isEmpty()) {
        if (!batch.isEmpty())
            Q_EMIT changes(batch);
        m_continue = next;
        requestPage();
        return;
    }

    for (auto it = m_cache.begin(); it != m_cache.end();) {
        if (m_seen.contains(it.key())) {
            ++it;
        } else {
            batch.append({ ObjectChange::Type::Deleted, it.value() });
            it = m_cache.erase(it);
        }
    }
    m_seen.clear();
    m_continue.clear();
    m_needList = false;
    m_resourceVersion = listMetadata.value("resourceVersion"_L1).toString();
    ++m_lists;
    if (!batch.isEmpty())
        Q_EMIT changes(batch);
    setState(State::Synced, u"Watching "_s + describe());
    Q_EMIT listed();
    if (m_running && m_state == State::Synced)
        startWatch();
}

void KubeInformer::startWatch()
{
    if (!m_client)
        return;
    const auto low = int(m_options.minWatchTimeout.count());
    const auto high = std::max(low, int(m_options.maxWatchTimeout.count()));
    const int timeoutSeconds = low + int(QRandomGenerator::global()->bounded(high - low + 1));

    KubeRequest request;
    request.path = m_resource.path(m_ns);
    request.query.addQueryItem(u"watch"_s, u"true"_s);
    request.query.addQueryItem(u"allowWatchBookmarks"_s, u"true"_s);
    request.query.addQueryItem(u"resourceVersion"_s, m_resourceVersion);
    request.query.addQueryItem(u"timeoutSeconds"_s, QString::number(timeoutSeconds));
    request.streaming = true;
    request.kubeVerb = u"watch"_s;
    request.resource = m_resource.qualifiedName();
    request.ns = m_ns;
    m_call = m_client->send(request);
    connect(m_call, &KubeCall::line, this, &KubeInformer::onWatchLine);
    connect(m_call, &KubeCall::finished, this, &KubeInformer::onWatchFinished);
    ++m_watches;
    m_watchStarted = std::chrono::steady_clock::now();
    m_watchEvents = 0;
    m_watchdog.start(std::chrono::seconds(timeoutSeconds) + WatchGrace);
    if (m_state != State::Synced)
        m_settleTimer.start(m_options.settle);
}

void KubeInformer::onWatchLine(const QByteArray& line)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    const QJsonObject event = document.object();
    const QString type = event.value("type"_L1).toString();
    QJsonObject object = event.value("object"_L1).toObject();
    if (type.isEmpty() || object.isEmpty()) {
        abortCall();
        KubeError error;
        error.kind = KubeError::Kind::Protocol;
        error.message = u"The watch of "_s + describe() + u" sent an event that is not one: "_s
            + (parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                            : QString::fromUtf8(line.left(200)));
        fail(error);
        return;
    }
    ++m_watchEvents;

    if (type == "ERROR"_L1) {
        abortCall();
        const int code = object.value("code"_L1).toInt();
        const QString message = object.value("message"_L1).toString();
        if (code == 410) {
            relist(message);
            return;
        }
        KubeRequest request;
        request.path = m_resource.path(m_ns);
        request.kubeVerb = u"watch"_s;
        request.resource = m_resource.qualifiedName();
        request.ns = m_ns;
        fail(KubeClient::errorFor(code, QJsonDocument(object).toJson(QJsonDocument::Compact), request));
        return;
    }

    if (m_state != State::Synced) {
        m_settleTimer.stop();
        setState(State::Synced, u"Watching "_s + describe());
    }
    const QJsonObject metadata = object.value("metadata"_L1).toObject();
    const QString resourceVersion = metadata.value("resourceVersion"_L1).toString();
    if (!resourceVersion.isEmpty())
        m_resourceVersion = resourceVersion;
    if (type == "BOOKMARK"_L1)
        return;

    const QString key = keyOf(metadata);
    const auto known = m_cache.constFind(key);
    if (type == "DELETED"_L1) {
        if (known == m_cache.constEnd())
            return;
        normalize(object);
        KnativeObjectPtr last = ManifestParser::fromJson(object, m_origin);
        if (!last)
            last = known.value();
        m_cache.erase(known);
        Q_EMIT changes({ { ObjectChange::Type::Deleted, std::move(last) } });
        return;
    }
    if (type != "ADDED"_L1 && type != "MODIFIED"_L1)
        return;
    // A resumed watch may repeat what the cache already holds.
    if (known != m_cache.constEnd() && known.value()->resourceVersion == resourceVersion)
        return;
    normalize(object);
    KnativeObjectPtr updated = ManifestParser::fromJson(object, m_origin);
    if (!updated)
        return;
    const auto changeType = known == m_cache.constEnd() ? ObjectChange::Type::Added : ObjectChange::Type::Modified;
    m_cache.insert(key, updated);
    Q_EMIT changes({ { changeType, std::move(updated) } });
}

void KubeInformer::onWatchFinished(const KubeResponse& response)
{
    m_call = nullptr;
    m_watchdog.stop();
    m_settleTimer.stop();
    if (!m_running)
        return;
    if (response.ok()) {
        if (m_watchEvents > 0 || std::chrono::steady_clock::now() - m_watchStarted >= ShortWatch) {
            startWatch();
            return;
        }
        KubeError error;
        error.kind = KubeError::Kind::Unreachable;
        error.message = u"The API server closed the watch of "_s + describe() + u" at once"_s;
        fail(error);
        return;
    }
    if (response.error.kind == KubeError::Kind::Gone)
        relist(response.error.message);
    else
        fail(response.error);
}

void KubeInformer::relist(const QString& reason)
{
    ++m_relists;
    Q_EMIT relisting(reason);
    if (m_running)
        startList();
}

std::chrono::milliseconds KubeInformer::nextDelay()
{
    const Backoff& backoff = m_options.backoff;
    const auto now = std::chrono::steady_clock::now();
    if (!m_lastFailure || now - *m_lastFailure > backoff.resetAfter)
        m_backoffStep = backoff.initial;
    else
        m_backoffStep = std::min(backoff.max,
            std::chrono::milliseconds(qint64(double(m_backoffStep.count()) * std::max(1.0, backoff.factor))));
    m_lastFailure = now;
    const double jitter = backoff.jitter > 0 ? QRandomGenerator::global()->generateDouble() * backoff.jitter : 0.0;
    return std::chrono::milliseconds(qint64(double(m_backoffStep.count()) * (1.0 + jitter)));
}

void KubeInformer::fail(const KubeError& error)
{
    if (!m_running)
        return;
    State state = State::Reconnecting;
    switch (error.kind) {
    case KubeError::Kind::Forbidden:
        state = State::Forbidden;
        break;
    case KubeError::Kind::NotFound:
        state = State::NotInstalled;
        break;
    case KubeError::Kind::Credentials:
    case KubeError::Kind::Unauthorized:
    case KubeError::Kind::Tls:
    case KubeError::Kind::Protocol:
    case KubeError::Kind::Invalid:
        state = State::Failed;
        break;
    default:
        break;
    }
    const auto delay = nextDelay();
    m_retryDelay = delay;
    m_lastError = error;
    m_nextRetry = QDateTime::currentDateTime().addMSecs(delay.count());
    m_retryTimer.start(delay);
    setState(state, error.message + u" (next attempt at "_s + timeText(m_nextRetry) + u')', true);
}

void KubeInformer::retry()
{
    if (!m_running)
        return;
    m_nextRetry = {};
    if (m_needList || m_resourceVersion.isEmpty())
        startList();
    else
        startWatch();
}
