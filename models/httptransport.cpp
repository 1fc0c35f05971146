// SPDX-License-Identifier: Apache-2.0
#include "httptransport.h"

#include "cloudeventvalidator.h"

#include <QHash>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslConfiguration>
#include <QTimer>

#include <deque>

using namespace Qt::StringLiterals;
using Clock = std::chrono::steady_clock;

namespace {

// Enough of a response body to tell a person why a request was refused, not the whole of a large error page.
constexpr qint64 excerptBytes = 1024;
constexpr qsizetype excerptChars = 500;

// Later headers replace earlier ones of the same name (HTTP header names are case-insensitive).
void mergeHeaders(HeaderList& headers, const HeaderList& overrides)
{
    for (const auto& override : overrides) {
        headers.removeIf(
            [&override](const auto& header) { return header.first.compare(override.first, Qt::CaseInsensitive) == 0; });
        headers.append(override);
    }
}

QString excerptOf(const QByteArray& body)
{
    QString text = QString::fromUtf8(body).trimmed();
    if (text.size() > excerptChars)
        text = text.left(excerptChars) % u'…';
    return text;
}

qint64 millisecondsSince(Clock::time_point start)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

} // namespace

struct HttpTransport::Private {
    struct Request {
        quint64 id = 0;
        QUrl url;
        HttpMessage message;
        HeaderList extraHeaders;
        Clock::time_point published;
    };
    struct Running {
        quint64 id = 0;
        QString target;
        Clock::time_point published;
        bool timedOut = false;
        bool cancelled = false;
    };

    HttpTransport* q = nullptr;
    QNetworkAccessManager network;
    std::deque<Request> queue;
    QHash<QNetworkReply*, Running> running;
    quint64 nextId = 1;
    std::chrono::milliseconds timeout { 30000 };
    int maxInFlight = 64;
    HeaderList defaultHeaders;
    QList<QSslCertificate> extraCaCertificates;

    void report(quint64 id, DeliveryResult result);
    void fail(quint64 id, const QString& target, Clock::time_point published, const QString& error);
    void pump();
    void start(Request request);
    void finished(QNetworkReply* reply);
};

void HttpTransport::Private::report(quint64 id, DeliveryResult result)
{
    QMetaObject::invokeMethod(
        q, [q = q, id, result = std::move(result)] { Q_EMIT q->delivered(id, result); }, Qt::QueuedConnection);
}

void HttpTransport::Private::fail(quint64 id, const QString& target, Clock::time_point published, const QString& error)
{
    DeliveryResult result;
    result.target = target;
    result.error = error;
    result.latencyMs = millisecondsSince(published);
    report(id, std::move(result));
}

void HttpTransport::Private::pump()
{
    while (running.size() < maxInFlight && !queue.empty()) {
        Request request = std::move(queue.front());
        queue.pop_front();
        start(std::move(request));
    }
}

void HttpTransport::Private::start(Request request)
{
    QNetworkRequest networkRequest(request.url);
    // A redirect is reported rather than followed: a broker ingress never redirects, and a POST must not turn into
    // a GET somewhere else.
    networkRequest.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    HeaderList headers { { "user-agent", "Meshscope" } };
    mergeHeaders(headers, request.message.headers);
    mergeHeaders(headers, defaultHeaders);
    mergeHeaders(headers, request.extraHeaders);
    for (const auto& [name, value] : headers)
        networkRequest.setRawHeader(name, value);
    if (!extraCaCertificates.isEmpty()) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.addCaCertificates(extraCaCertificates);
        networkRequest.setSslConfiguration(ssl);
    }
    // A custom "POST" because QNetworkAccessManager's post() invents a form Content-Type for a body without one,
    // which in binary mode would make up a datacontenttype the event does not have.
    QNetworkReply* reply = network.sendCustomRequest(networkRequest, "POST", request.message.body);
    running.insert(reply, { request.id, request.url.toDisplayString(), request.published });
    QObject::connect(reply, &QNetworkReply::finished, q, [this, reply] { finished(reply); });
    // A timer owned by the reply dies with it; QTimer::singleShot's would live for the whole timeout, and tens of
    // thousands of live timers make every timer operation of the thread slow.
    auto* timer = new QTimer(reply);
    timer->setSingleShot(true);
    // A coarse timer may fire 5% early, failing a request that still had time.
    timer->setTimerType(Qt::PreciseTimer);
    QObject::connect(timer, &QTimer::timeout, reply, [this, reply] {
        if (const auto it = running.find(reply); it != running.end()) {
            it->timedOut = true;
            reply->abort();
        }
    });
    timer->start(timeout);
}

void HttpTransport::Private::finished(QNetworkReply* reply)
{
    reply->deleteLater();
    const auto it = running.find(reply);
    if (it == running.end())
        return;
    const Running request = *it;
    running.erase(it);

    DeliveryResult result;
    result.target = request.target;
    result.latencyMs = millisecondsSince(request.published);
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    result.httpStatus = status.isValid() ? status.toInt() : 0;
    if (reply->isOpen()) // an aborted reply has no body
        result.responseExcerpt = excerptOf(reply->read(excerptBytes));
    if (request.cancelled) {
        result.error = u"cancelled"_s;
    } else if (request.timedOut) {
        result.error
            = u"no response from "_s % request.target % u" within "_s % QString::number(timeout.count()) % u" ms"_s;
    } else if (result.httpStatus == 0) {
        result.error = u"cannot reach "_s % request.target % u": "_s % reply->errorString();
    } else if (result.httpStatus >= 200 && result.httpStatus < 300) {
        result.ok = true;
    } else {
        const QString reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        result.error
            = u"HTTP "_s % QString::number(result.httpStatus) % (reason.isEmpty() ? QString() : u" "_s) % reason;
        if (result.httpStatus >= 300 && result.httpStatus < 400 && reply->hasRawHeader("location"))
            result.error += u", redirected to "_s % QString::fromUtf8(reply->rawHeader("location"));
        if (!result.responseExcerpt.isEmpty())
            result.error += u": "_s % result.responseExcerpt.simplified();
    }
    // The next request starts first, so that a slot may even destroy this object; the report needs no queueing, as
    // finished() already arrives from the event loop.
    pump();
    Q_EMIT q->delivered(request.id, result);
}

HttpTransport::HttpTransport(QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    qRegisterMetaType<DeliveryResult>();
    d->q = this;
}

HttpTransport::~HttpTransport()
{
    // Nothing is reported once the object is going away.
    const auto replies = d->running.keys();
    for (QNetworkReply* reply : replies) {
        disconnect(reply, nullptr, this, nullptr);
        reply->abort();
        delete reply;
    }
}

quint64 HttpTransport::publish(const QUrl& url, const CloudEvent& event, Mode mode, const HeaderList& extraHeaders)
{
    const quint64 id = d->nextId++;
    const auto published = Clock::now();
    const QString target = url.toDisplayString();
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != u"http" && scheme != u"https") || url.host().isEmpty()) {
        d->fail(id, target, published, u"not an http or https URL: "_s % (target.isEmpty() ? u"(empty)"_s : target));
        return id;
    }
    if (const auto issues = CloudEventValidator::validate(event); !issues.isEmpty()) {
        d->fail(id, target, published,
            u"invalid event, not sent: "_s % issues.constFirst().field % u": "_s % issues.constFirst().message);
        return id;
    }
    d->queue.push_back({ id, url, encode(event, mode), extraHeaders, published });
    d->pump();
    return id;
}

void HttpTransport::cancelAll()
{
    // The queue goes first, so that aborting a running request does not start the next one.
    std::deque<Private::Request> queued;
    queued.swap(d->queue);
    for (const auto& request : queued)
        d->fail(request.id, request.url.toDisplayString(), request.published, u"cancelled"_s);
    const auto replies = d->running.keys();
    for (QNetworkReply* reply : replies) {
        if (const auto it = d->running.find(reply); it != d->running.end()) {
            it->cancelled = true;
            reply->abort();
        }
    }
}

qsizetype HttpTransport::pendingCount() const { return qsizetype(d->queue.size()) + d->running.size(); }

std::chrono::milliseconds HttpTransport::timeout() const { return d->timeout; }

void HttpTransport::setTimeout(std::chrono::milliseconds timeout) { d->timeout = timeout; }

int HttpTransport::maxInFlight() const { return d->maxInFlight; }

void HttpTransport::setMaxInFlight(int count)
{
    d->maxInFlight = qMax(1, count);
    d->pump();
}

HeaderList HttpTransport::defaultHeaders() const { return d->defaultHeaders; }

void HttpTransport::setDefaultHeaders(const HeaderList& headers) { d->defaultHeaders = headers; }

void HttpTransport::setExtraCaCertificates(const QList<QSslCertificate>& certificates)
{
    d->extraCaCertificates = certificates;
    // A keep-alive connection keeps the TLS configuration it was opened with, whatever later requests carry.
    d->network.clearConnectionCache();
}

HttpMessage HttpTransport::encode(const CloudEvent& event, Mode mode)
{
    return mode == Mode::Binary ? CloudEventHttp::encodeBinary(event) : CloudEventHttp::encodeStructured(event);
}
