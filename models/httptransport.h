// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"
#include "cloudeventcodec.h"
#include "deliveryresult.h"

#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>

#include <chrono>
#include <memory>

// Publishes CloudEvents to an HTTP endpoint (a Knative broker's ingress, any CloudEvents receiver) in the HTTP
// binding's binary or structured mode. publish() never blocks: requests are queued and at most maxInFlight() of them
// are on the wire at once, over QNetworkAccessManager's keep-alive connections (six per host for HTTP/1.1, one
// multiplexed connection when an https server speaks h2). Every publish is answered by exactly one delivered(),
// on this object's thread: ok for a 2xx (a broker's ingress answers 202), otherwise the reason, with the status and
// the start of the response body when the server answered. TLS peers are always verified.
class HttpTransport : public QObject {
    Q_OBJECT
public:
    enum class Mode { Binary, Structured };
    Q_ENUM(Mode)

    explicit HttpTransport(QObject* parent = nullptr);
    ~HttpTransport() override;

    // Returns the request id that delivered() reports; ids start at 1. The event is validated and encoded at once,
    // so it may change after the call. Failures found at once (invalid event, unsupported URL) are reported through
    // delivered() as well, after publish() has returned. extraHeaders (e.g. Authorization) are added to
    // defaultHeaders() and replace an encoded header of the same name.
    quint64 publish(
        const QUrl& url, const CloudEvent& event, Mode mode = Mode::Binary, const HeaderList& extraHeaders = {});

    // Every queued and running request fails at once with "cancelled"; each is still reported.
    void cancelAll();
    // Requests published and not yet reported.
    qsizetype pendingCount() const;

    // From the start of a request to the end of its response; a request that takes longer fails. Default 30 s.
    std::chrono::milliseconds timeout() const;
    void setTimeout(std::chrono::milliseconds timeout);
    // Requests on the wire at once; further ones wait in this object's queue. Default 64.
    int maxInFlight() const;
    void setMaxInFlight(int count);
    // Headers sent with every request, e.g. { "authorization", "Bearer ..." }.
    HeaderList defaultHeaders() const;
    void setDefaultHeaders(const HeaderList& headers);
    // Certificate authorities trusted in addition to the system's, e.g. a cluster's CA for an https broker ingress.
    // Open connections are dropped, so that the next requests use them.
    void setExtraCaCertificates(const QList<QSslCertificate>& certificates);

    // The request the HTTP binding makes of an event in a mode (headers in lower case).
    static HttpMessage encode(const CloudEvent& event, Mode mode);

Q_SIGNALS:
    void delivered(quint64 requestId, const DeliveryResult& result);

private:
    struct Private;
    std::unique_ptr<Private> d;
};
