// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"
#include "deliveryresult.h"
#include "httptransport.h"
#include "knativeobject.h"

#include <QObject>
#include <QString>
#include <QUrl>

#include <chrono>
#include <memory>
#include <optional>

class KubeClient;

// Where the API server's service proxy reaches an in-cluster address such as a broker's status.address.url
// (host "<service>.<namespace>.svc.<cluster domain>").
struct IngressProxyTarget {
    QString ns;
    QString service;
    QString scheme; // "http" or "https": how the API server talks to the pod
    int port = 80; // the Service's port: the URL's, else 80 / 443. The API server maps it to the port's name.
    QString path; // decoded, never empty: "/<ns>/<broker>" (MT, Kafka), "/" (RabbitMQ, whose ingress wants exactly /)
    QString query; // encoded, usually empty

    // "/api/v1/namespaces/<ns>/services/[https:]<service>:<port>/proxy<path>"
    QString apiPath() const;
    friend bool operator==(const IngressProxyTarget&, const IngressProxyTarget&) = default;

    // Nullopt with a reason a person can act on when the address is not a cluster service's http(s) URL.
    static std::optional<IngressProxyTarget> fromAddress(const QUrl& address, QString* error);
};

// Publishes CloudEvents to a broker's ingress from the desktop, through the Kubernetes API server's service proxy
// (POST .../services/<svc>:<port>/proxy/<path>), with the credentials, TLS and proxy settings of the app's
// KubeClient: the HTTP binding's binary or structured mode exactly as HttpTransport encodes it. Needs RBAC "create"
// on "services/proxy" in the ingress's namespace. The API server removes the Authorization header, so a broker that
// demands an OIDC token cannot be reached this way. When the proxy cannot serve, or when setRoute() says so, events
// go through a port-forward to a ready pod of the ingress (RBAC "get" and "create" on "pods/portforward") to
// http://127.0.0.1:<local port><path> with HttpTransport; the forward is kept for later events to the same Service.
//
// Every publish is answered by exactly one delivered(), after publish() returned: ok for a 2xx from the ingress,
// otherwise why, telling the API server's refusals (RBAC, no ready pods, unreachable pod) from the ingress's own
// answers. At most maxInFlight() requests run at once; the rest wait in this object's queue.
class KubeIngressTransport : public QObject {
    Q_OBJECT
public:
    // The client may go away before the transport: requests then fail with "not connected".
    explicit KubeIngressTransport(KubeClient* client, QObject* parent = nullptr);
    ~KubeIngressTransport() override;

    KubeClient* client() const;
    // Later requests go through this client (after a reconnect); running ones finish on the old one.
    void setClient(KubeClient* client);

    // To a Broker's status.address.url; fails (through delivered()) when the broker has no address yet.
    quint64 publish(
        const KnativeObject& broker, const CloudEvent& event, HttpTransport::Mode mode = HttpTransport::Mode::Binary);
    // To any in-cluster http(s) address "<service>.<namespace>.svc[.<domain>][:port][/path]".
    quint64 publish(
        const QUrl& address, const CloudEvent& event, HttpTransport::Mode mode = HttpTransport::Mode::Binary);

    // How events reach the ingress. Auto: through the service proxy, and when the API server answers that it cannot
    // reach the pod (502/503/504 of its own, an address it will not proxy to), again through a port-forward to one
    // ready pod of the Service (KubePortForward). Each result's target names the route it took.
    enum class Route { Auto, ServiceProxy, PortForward };
    Route route() const;
    void setRoute(Route route);

    // Every queued and running request fails at once with "cancelled"; each is still reported.
    void cancelAll();
    qsizetype pendingCount() const;

    // From the start of a request to its answer; default 30 s.
    std::chrono::milliseconds timeout() const;
    void setTimeout(std::chrono::milliseconds timeout);
    // Default 32.
    int maxInFlight() const;
    void setMaxInFlight(int count);

Q_SIGNALS:
    void delivered(quint64 requestId, const DeliveryResult& result);

private:
    struct Private;
    std::unique_ptr<Private> d;
};
