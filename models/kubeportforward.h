// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

class KubeClient;

// Where a port-forward lands: a Pod and the container port that a Service port's targetPort names.
struct PortForwardTarget {
    QString ns;
    QString pod;
    int port = 0;

    // "<ns>/<pod>:<port>"
    QString toString() const;
    friend bool operator==(const PortForwardTarget&, const PortForwardTarget&) = default;

    // The entry of service.spec.ports whose port is servicePort; nullopt with a reason when there is none.
    static std::optional<QJsonObject> servicePort(const QJsonObject& service, int servicePort, QString* error);
    // A ready Pod and its port, from the answers the API server gives for the Service's EndpointSlices
    // (discovery.k8s.io/v1 list), its Endpoints, or the Pods its selector matches (v1 list); nullopt when none is
    // ready. portEntry is servicePort()'s answer: its name picks the endpoint port, its targetPort the container port.
    static std::optional<PortForwardTarget> fromEndpointSlices(const QJsonObject& list, const QJsonObject& portEntry);
    static std::optional<PortForwardTarget> fromEndpoints(const QJsonObject& endpoints, const QJsonObject& portEntry);
    static std::optional<PortForwardTarget> fromPods(const QJsonObject& list, const QJsonObject& portEntry);
};

// The framing of one forwarded port in the WebSocket subprotocol v4.channel.k8s.io (kubelet
// pkg/kubelet/cri/streaming/portforward/websocket.go): every binary message starts with its channel, 0 for data and
// 1 for errors, and the first two bytes that arrive on each channel are the port, little-endian.
class PortForwardChannels {
public:
    static constexpr char DataChannel = 0;
    static constexpr char ErrorChannel = 1;

    // The message that carries bytes to the pod (no port prefix travels this way).
    static QByteArray dataMessage(const QByteArray& bytes);

    struct Received {
        QByteArray data; // for the local connection
        QByteArray error; // text on the error channel
        QString problem; // a message that breaks the protocol
    };
    Received feed(const QByteArray& message);
    // The port the server announced on the data channel; 0 until it did.
    int announcedPort() const { return m_port[0] >= 0 ? m_port[0] : 0; }

private:
    QByteArray m_prefix[2];
    int m_port[2] { -1, -1 };
};

// A port-forward from 127.0.0.1 to a Pod through the Kubernetes API, as `kubectl port-forward` does in its
// WebSocket mode: it listens on a free loopback port, and each local connection gets its own WebSocket
// (GET /api/v1/namespaces/<ns>/pods/<pod>/portforward?ports=<port>, subprotocol v4.channel.k8s.io) made with the
// KubeClient's credentials, TLS configuration and proxy. For a Service, it takes one ready Pod behind it (its
// EndpointSlices, else its Endpoints, else the Pods of its selector) and the container port of the Service port's
// targetPort, once, at start. Needs RBAC "get" and "create" on "pods/portforward" (since Kubernetes 1.35 a
// WebSocket upgrade needs "create" as well as "get"), and "get"/"list" on the Service, its endpoints and pods.
// The cluster's tls-server-name applies to the WebSocket's TLS as to the client's requests; HTTP/2 does not.
class KubePortForward : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Resolving, Listening, Failed };
    Q_ENUM(State)

    // The client may go away first: connections then fail with "not connected".
    explicit KubePortForward(KubeClient* client, QObject* parent = nullptr);
    ~KubePortForward() override;

    // servicePort: the Service's port number, as in its URL. ready() once local connections can be made, or
    // failed() with why not (no such service or port, no ready pod, RBAC); both after the call returned.
    void forwardService(const QString& ns, const QString& service, int servicePort);
    void forwardPod(const PortForwardTarget& target);
    // Closes the listener and every forwarded connection.
    void stop();

    State state() const;
    PortForwardTarget target() const;
    quint16 localPort() const;
    // Why it failed, or why the last forwarded connection did.
    QString errorString() const;
    int connectionCount() const;

Q_SIGNALS:
    void ready(quint16 localPort);
    void failed(const QString& error);
    // A forwarded connection failed (the WebSocket was refused, or the pod's port could not be reached); its local
    // connection was closed.
    void connectionFailed(const QString& error);

private:
    struct Private;
    std::unique_ptr<Private> d;
};
