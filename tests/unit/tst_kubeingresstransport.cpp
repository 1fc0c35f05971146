// SPDX-License-Identifier: Apache-2.0
// The service-proxy path of a broker's address, and the failures KubeIngressTransport finds before any network.
// The way through a real API server is in tests/integration/tst_kubeingressproxy.cpp.
#include "kubeingresstransport.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;

class TestKubeIngressTransport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void proxyPath_data();
    void proxyPath();
    void badAddress_data();
    void badAddress();
    void failuresBeforeTheNetwork();
};

void TestKubeIngressTransport::proxyPath_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("apiPath");
    QTest::addColumn<QString>("query");

    QTest::addRow("MT channel-based")
        << u"http://broker-ingress.knative-eventing.svc.cluster.local/shop/default"_s
        << u"/api/v1/namespaces/knative-eventing/services/broker-ingress:80/proxy/shop/default"_s << QString();
    QTest::addRow("MT over https")
        << u"https://broker-ingress.knative-eventing.svc.cluster.local/shop/default"_s
        << u"/api/v1/namespaces/knative-eventing/services/https:broker-ingress:443/proxy/shop/default"_s << QString();
    QTest::addRow("Kafka")
        << u"http://kafka-broker-ingress.knative-eventing.svc.cluster.local/shop/orders"_s
        << u"/api/v1/namespaces/knative-eventing/services/kafka-broker-ingress:80/proxy/shop/orders"_s << QString();
    QTest::addRow("KafkaNamespaced") << u"http://kafka-broker-ingress.shop.svc.cluster.local/shop/orders"_s
                                     << u"/api/v1/namespaces/shop/services/kafka-broker-ingress:80/proxy/shop/orders"_s
                                     << QString();
    QTest::addRow("RabbitMQ, no path: the trailing slash stays")
        << u"http://orders-broker-ingress.shop.svc.cluster.local"_s
        << u"/api/v1/namespaces/shop/services/orders-broker-ingress:80/proxy/"_s << QString();
    QTest::addRow("RabbitMQ with a slash")
        << u"http://orders-broker-ingress.shop.svc.cluster.local/"_s
        << u"/api/v1/namespaces/shop/services/orders-broker-ingress:80/proxy/"_s << QString();
    QTest::addRow("custom cluster domain")
        << u"http://broker-ingress.knative-eventing.svc.corp.example/a/b"_s
        << u"/api/v1/namespaces/knative-eventing/services/broker-ingress:80/proxy/a/b"_s << QString();
    QTest::addRow("no cluster domain") << u"http://broker-ingress.knative-eventing.svc/a/b"_s
                                       << u"/api/v1/namespaces/knative-eventing/services/broker-ingress:80/proxy/a/b"_s
                                       << QString();
    QTest::addRow("explicit port, upper-case host")
        << u"HTTP://Broker-Ingress.Knative-Eventing.SVC.cluster.local:8080/a/b"_s
        << u"/api/v1/namespaces/knative-eventing/services/broker-ingress:8080/proxy/a/b"_s << QString();
    QTest::addRow("query kept") << u"http://sink.shop.svc.cluster.local/in?x=1"_s
                                << u"/api/v1/namespaces/shop/services/sink:80/proxy/in"_s << u"x=1"_s;
}

void TestKubeIngressTransport::proxyPath()
{
    QFETCH(QString, address);
    QFETCH(QString, apiPath);
    QFETCH(QString, query);
    QString error;
    const auto target = IngressProxyTarget::fromAddress(QUrl(address), &error);
    QVERIFY2(target, qPrintable(error));
    QCOMPARE(target->apiPath(), apiPath);
    QCOMPARE(target->query, query);
    QVERIFY(error.isEmpty());
}

void TestKubeIngressTransport::badAddress_data()
{
    QTest::addColumn<QUrl>("address");
    QTest::addColumn<QString>("error");

    const QString notService = u"does not name a cluster Service (<service>.<namespace>.svc.<cluster domain>)"_s;
    QTest::addRow("empty") << QUrl() << u"No address to publish to"_s;
    QTest::addRow("not http") << QUrl(u"amqp://orders-broker-ingress.shop.svc.cluster.local/"_s)
                              << u"is not an http or https URL"_s;
    QTest::addRow("relative") << QUrl(u"/shop/default"_s) << u"is not an http or https URL"_s;
    QTest::addRow("public host") << QUrl(u"https://events.example.com/shop/default"_s) << notService;
    QTest::addRow("two labels") << QUrl(u"http://broker-ingress.knative-eventing/shop/default"_s) << notService;
    QTest::addRow("IPv4 address") << QUrl(u"http://10.96.0.12/shop/default"_s) << notService;
    QTest::addRow("IPv6 address") << QUrl(u"http://[fd00::12]/shop/default"_s) << notService;
    QTest::addRow("pod DNS name") << QUrl(u"http://10-1-2-3.shop.pod.cluster.local/"_s) << notService;
    QTest::addRow("bad service name") << QUrl(u"http://broker_ingress.shop.svc.cluster.local/"_s)
                                      << u"is not a DNS label"_s;
    QTest::addRow("invalid URL") << QUrl(u"http://exa mple.svc/"_s, QUrl::StrictMode) << u"is not a valid URL"_s;
}

void TestKubeIngressTransport::badAddress()
{
    QFETCH(QUrl, address);
    QFETCH(QString, error);
    QString message;
    QVERIFY(!IngressProxyTarget::fromAddress(address, &message));
    QVERIFY2(message.contains(error), qPrintable(message));
}

void TestKubeIngressTransport::failuresBeforeTheNetwork()
{
    KubeIngressTransport transport(nullptr);
    QSignalSpy spy(&transport, &KubeIngressTransport::delivered);

    CloudEvent event;
    event.id = u"1"_s;
    event.source = u"/meshscope"_s;
    event.type = u"dev.meshscope.test"_s;

    KnativeObject broker;
    broker.key = { u"eventing.knative.dev"_s, u"Broker"_s, u"shop"_s, u"default"_s };
    const quint64 noAddress = transport.publish(broker, event);
    const quint64 publicHost = transport.publish(QUrl(u"https://events.example.com/"_s), event);
    CloudEvent invalid = event;
    invalid.type.clear();
    const QUrl address(u"http://broker-ingress.knative-eventing.svc.cluster.local/shop/default"_s);
    const quint64 invalidEvent = transport.publish(address, invalid);
    const quint64 noClient = transport.publish(address, event, HttpTransport::Mode::Structured);
    QCOMPARE(spy.count(), 0); // reported after publish() returned
    QCOMPARE((QList<quint64> { noAddress, publicHost, invalidEvent, noClient }), (QList<quint64> { 1, 2, 3, 4 }));

    QTRY_COMPARE(spy.count(), 4);
    QMap<quint64, DeliveryResult> results;
    for (const auto& arguments : std::as_const(spy))
        results.insert(arguments.at(0).toULongLong(), arguments.at(1).value<DeliveryResult>());
    for (const auto& result : std::as_const(results))
        QVERIFY(!result.ok);
    QCOMPARE(results[noAddress].error,
        u"The broker shop/default has no address yet (status.address.url is empty): it is not ready"_s);
    QVERIFY2(
        results[publicHost].error.contains(u"publish to the URL directly"_s), qPrintable(results[publicHost].error));
    QVERIFY2(results[invalidEvent].error.startsWith(u"invalid event, not sent: type"_s),
        qPrintable(results[invalidEvent].error));
    QVERIFY2(results[noClient].error.startsWith(u"Not connected to a cluster"_s), qPrintable(results[noClient].error));
    QCOMPARE(results[noClient].target, address.toDisplayString());
    QCOMPARE(transport.pendingCount(), 0);

    // The port-forward route needs the cluster as well.
    QCOMPARE(transport.route(), KubeIngressTransport::Route::Auto);
    transport.setRoute(KubeIngressTransport::Route::PortForward);
    spy.clear();
    const quint64 forwarded = transport.publish(address, event);
    QTRY_COMPARE(spy.count(), 1);
    QCOMPARE(spy.constFirst().at(0).toULongLong(), forwarded);
    const auto result = spy.constFirst().at(1).value<DeliveryResult>();
    QVERIFY(!result.ok);
    QVERIFY2(result.error.startsWith(u"Not connected to a cluster"_s), qPrintable(result.error));
    QCOMPARE(transport.pendingCount(), 0);
}

QTEST_GUILESS_MAIN(TestKubeIngressTransport)
#include "tst_kubeingresstransport.moc"
