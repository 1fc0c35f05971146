// SPDX-License-Identifier: Apache-2.0
//
// The pure parts of KubePortForward: the v4.channel.k8s.io framing and the choice of a ready pod and its port from
// what the API server answers. The WebSocket itself runs against a real kube-apiserver in
// tests/integration/tst_kubeportforward.cpp.
#include "kubeportforward.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

QJsonObject json(const char* text) { return QJsonDocument::fromJson(QByteArray(text)).object(); }

const char* const ServiceJson = R"({"metadata":{"name":"broker-ingress","namespace":"knative-eventing"},
    "spec":{"selector":{"app":"ingress"},"ports":[
        {"name":"http","port":80,"targetPort":8080},
        {"name":"metrics","port":9090,"targetPort":"metrics"},
        {"name":"plain","port":7070}]}})";

} // namespace

class TestKubePortForward : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void dataMessageHasChannelZero();
    void feedStripsThePortOfEachChannel();
    void feedTakesAPortSplitAcrossMessages();
    void feedRefusesOtherChannels();
    void servicePort();
    void fromEndpointSlices_data();
    void fromEndpointSlices();
    void fromEndpoints();
    void fromPods();
};

void TestKubePortForward::dataMessageHasChannelZero()
{
    QCOMPARE(PortForwardChannels::dataMessage("POST /"), QByteArray("\x00POST /", 7));
    QCOMPARE(PortForwardChannels::dataMessage({}), QByteArray(1, '\0'));
}

void TestKubePortForward::feedStripsThePortOfEachChannel()
{
    PortForwardChannels channels;
    QCOMPARE(channels.announcedPort(), 0);
    // 8080 = 0x1f90, little-endian.
    auto received = channels.feed(QByteArray("\x00\x90\x1f", 3));
    QVERIFY(received.data.isEmpty());
    QCOMPARE(channels.announcedPort(), 8080);
    received = channels.feed(QByteArray("\x01\x90\x1f", 3));
    QVERIFY(received.error.isEmpty());
    received = channels.feed(QByteArray("\x00HTTP/1.1 202", 13));
    QCOMPARE(received.data, QByteArray("HTTP/1.1 202"));
    QVERIFY(received.error.isEmpty());
    received = channels.feed(QByteArray("\x01"
                                        "connection refused",
        19));
    QCOMPARE(received.error, QByteArray("connection refused"));
    QVERIFY(received.problem.isEmpty());
}

void TestKubePortForward::feedTakesAPortSplitAcrossMessages()
{
    PortForwardChannels channels;
    QVERIFY(channels.feed(QByteArray("\x00\x50", 2)).data.isEmpty());
    QCOMPARE(channels.announcedPort(), 0);
    const auto received = channels.feed(QByteArray("\x00\x00hello", 7));
    QCOMPARE(channels.announcedPort(), 80);
    QCOMPARE(received.data, QByteArray("hello"));
}

void TestKubePortForward::feedRefusesOtherChannels()
{
    PortForwardChannels channels;
    const auto received = channels.feed(QByteArray("\x02\x90\x1f", 3));
    QVERIFY(received.data.isEmpty());
    QVERIFY2(received.problem.contains(u"channel 2"_s), qPrintable(received.problem));
}

void TestKubePortForward::servicePort()
{
    const QJsonObject service = json(ServiceJson);
    QString error;
    const auto http = PortForwardTarget::servicePort(service, 80, &error);
    QVERIFY(http);
    QCOMPARE(http->value(u"name"_s).toString(), u"http"_s);
    QVERIFY(!PortForwardTarget::servicePort(service, 8080, &error));
    QCOMPARE(error, u"The service \"broker-ingress\" in namespace \"knative-eventing\" has no port 8080"_s);
}

void TestKubePortForward::fromEndpointSlices_data()
{
    QTest::addColumn<QByteArray>("list");
    QTest::addColumn<QString>("expected"); // empty: none

    QTest::addRow("ready condition absent means ready")
        << QByteArray(R"({"items":[{"metadata":{"namespace":"knative-eventing"},
            "ports":[{"name":"http","port":8080}],
            "endpoints":[{"addresses":["10.1.0.5"],"targetRef":{"kind":"Pod","name":"ingress-a"}}]}]})")
        << u"knative-eventing/ingress-a:8080"_s;
    QTest::addRow("not ready skipped") << QByteArray(
        R"({"items":[{"metadata":{"namespace":"ns"},"ports":[{"name":"http","port":8080}],
            "endpoints":[{"conditions":{"ready":false},"targetRef":{"kind":"Pod","name":"old"}},
                         {"conditions":{"ready":true},"targetRef":{"kind":"Pod","name":"new","namespace":"ns"}}]}]})")
                                       << u"ns/new:8080"_s;
    QTest::addRow("other port name") << QByteArray(R"({"items":[{"ports":[{"name":"metrics","port":9090}],
            "endpoints":[{"targetRef":{"kind":"Pod","name":"a"}}]}]})")
                                     << QString();
    QTest::addRow("no pod behind") << QByteArray(R"({"items":[{"ports":[{"name":"http","port":8080}],
            "endpoints":[{"addresses":["10.0.0.1"]}]}]})")
                                   << QString();
    QTest::addRow("empty") << QByteArray(R"({"items":[]})") << QString();
}

void TestKubePortForward::fromEndpointSlices()
{
    QFETCH(QByteArray, list);
    QFETCH(QString, expected);
    const auto entry = PortForwardTarget::servicePort(json(ServiceJson), 80, nullptr);
    QVERIFY(entry);
    const auto target = PortForwardTarget::fromEndpointSlices(QJsonDocument::fromJson(list).object(), *entry);
    QCOMPARE(target ? target->toString() : QString(), expected);
}

void TestKubePortForward::fromEndpoints()
{
    const auto entry = PortForwardTarget::servicePort(json(ServiceJson), 80, nullptr);
    QVERIFY(entry);
    const QJsonObject endpoints = json(R"({"metadata":{"namespace":"knative-eventing"},"subsets":[
        {"notReadyAddresses":[{"ip":"10.0.0.1","targetRef":{"kind":"Pod","name":"starting"}}],
         "ports":[{"name":"http","port":8080}]},
        {"addresses":[{"ip":"10.0.0.2","targetRef":{"kind":"Pod","name":"serving"}}],
         "ports":[{"name":"http","port":8080}]}]})");
    const auto target = PortForwardTarget::fromEndpoints(endpoints, *entry);
    QVERIFY(target);
    QCOMPARE(*target, (PortForwardTarget { u"knative-eventing"_s, u"serving"_s, 8080 }));
    const QJsonObject empty = json(R"({"subsets":[]})");
    QVERIFY(!PortForwardTarget::fromEndpoints(empty, *entry));
}

void TestKubePortForward::fromPods()
{
    const QJsonObject service = json(ServiceJson);
    const QJsonObject pods = json(R"({"items":[
        {"metadata":{"name":"pending","namespace":"ns"},"status":{"phase":"Pending"}},
        {"metadata":{"name":"unready","namespace":"ns"},"status":{"phase":"Running",
            "conditions":[{"type":"Ready","status":"False"}]}},
        {"metadata":{"name":"going","namespace":"ns","deletionTimestamp":"2026-11-26T14:00:00Z"},
            "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}},
        {"metadata":{"name":"ready","namespace":"ns"},
            "spec":{"containers":[{"name":"c","ports":[{"name":"metrics","containerPort":9091}]}]},
            "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}]})");
    const auto number = PortForwardTarget::fromPods(pods, *PortForwardTarget::servicePort(service, 80, nullptr));
    QVERIFY(number);
    QCOMPARE(number->toString(), u"ns/ready:8080"_s);
    const auto named = PortForwardTarget::fromPods(pods, *PortForwardTarget::servicePort(service, 9090, nullptr));
    QVERIFY(named);
    QCOMPARE(named->toString(), u"ns/ready:9091"_s);
    // Without targetPort the Service's port is the container's.
    const auto plain = PortForwardTarget::fromPods(pods, *PortForwardTarget::servicePort(service, 7070, nullptr));
    QVERIFY(plain);
    QCOMPARE(plain->port, 7070);
    const QJsonObject none = json(R"({"items":[]})");
    QVERIFY(!PortForwardTarget::fromPods(none, *PortForwardTarget::servicePort(service, 80, nullptr)));
}

QTEST_GUILESS_MAIN(TestKubePortForward)
#include "tst_kubeportforward.moc"
