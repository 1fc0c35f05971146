// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "kubeharness.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QUrlQuery>

#include <functional>
#include <memory>

// Many API requests at once as the harness's admin, for tests and benchmarks that need thousands of objects (or
// changes) quickly: requests run in parallel, and each call waits for all its answers in a local event loop.
// Header-only test support.
class KubeBulk {
public:
    struct Op {
        QByteArray verb = "GET";
        QString path; // with the query, if any
        QJsonObject body;
        QByteArray contentType = "application/json";
    };
    struct Result {
        int status = 0;
        QJsonObject json;
        QString error;
    };

    explicit KubeBulk(const KubeHarness& harness)
        : m_harness(harness)
    {
        resetConnections();
    }

    // The connections to a restarted API server are dead: start afresh.
    void resetConnections() { m_network = std::make_unique<QNetworkAccessManager>(); }

    Result call(const Op& op) { return run({ op }, 1).value(0); }

    // Results in the order of ops; at most inFlight requests are open at a time.
    QList<Result> run(const QList<Op>& ops, int inFlight = 64)
    {
        QList<Result> results(ops.size());
        qsizetype next = 0;
        qsizetype open = 0;
        QEventLoop loop;
        std::function<void()> launch = [&] {
            while (open < inFlight && next < ops.size()) {
                const qsizetype index = next++;
                const Op& op = ops[index];
                QNetworkRequest request = m_harness.request(op.path);
                QByteArray payload;
                if (!op.body.isEmpty()) {
                    payload = QJsonDocument(op.body).toJson(QJsonDocument::Compact);
                    request.setHeader(QNetworkRequest::ContentTypeHeader, op.contentType);
                }
                QNetworkReply* reply = m_network->sendCustomRequest(request, op.verb, payload);
                ++open;
                QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply, index] {
                    Result& result = results[index];
                    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                    result.json = QJsonDocument::fromJson(reply->readAll()).object();
                    if (result.status == 0)
                        result.error = reply->errorString();
                    reply->deleteLater();
                    --open;
                    launch();
                    if (open == 0 && next == ops.size())
                        loop.quit();
                });
            }
        };
        launch();
        if (open > 0)
            loop.exec();
        return results;
    }

    // Every item of a collection, page by page.
    QJsonArray list(const QString& path)
    {
        QJsonArray items;
        QString token;
        do {
            QUrlQuery query;
            query.addQueryItem(QStringLiteral("limit"), QStringLiteral("1000"));
            if (!token.isEmpty())
                query.addQueryItem(QStringLiteral("continue"), token);
            const Result page = call({ "GET", path + u'?' + query.toString(QUrl::FullyEncoded), {}, {} });
            if (page.status != 200)
                return {};
            const QJsonArray pageItems = page.json.value(QLatin1String("items")).toArray();
            for (const QJsonValue& item : pageItems)
                items.append(item);
            token = page.json.value(QLatin1String("metadata")).toObject().value(QLatin1String("continue")).toString();
        } while (!token.isEmpty());
        return items;
    }

    static QJsonObject metadata(const QString& ns, const QString& name)
    {
        QJsonObject metadata { { QStringLiteral("name"), name } };
        if (!ns.isEmpty())
            metadata.insert(QStringLiteral("namespace"), ns);
        return metadata;
    }

    static QJsonObject namespaceObject(const QString& name)
    {
        return { { QStringLiteral("apiVersion"), QStringLiteral("v1") },
            { QStringLiteral("kind"), QStringLiteral("Namespace") },
            { QStringLiteral("metadata"), metadata({}, name) } };
    }

    static QJsonObject broker(const QString& ns, const QString& name)
    {
        return { { QStringLiteral("apiVersion"), QStringLiteral("eventing.knative.dev/v1") },
            { QStringLiteral("kind"), QStringLiteral("Broker") }, { QStringLiteral("metadata"), metadata(ns, name) },
            { QStringLiteral("spec"), QJsonObject {} } };
    }

    // A trigger of broker for events of type "dev.meshscope.<name>", delivering to the Knative Service subscriber.
    static QJsonObject trigger(const QString& ns, const QString& name, const QString& broker, const QString& subscriber)
    {
        const QJsonObject ref { { QStringLiteral("apiVersion"), QStringLiteral("serving.knative.dev/v1") },
            { QStringLiteral("kind"), QStringLiteral("Service") }, { QStringLiteral("name"), subscriber } };
        const QJsonObject spec { { QStringLiteral("broker"), broker },
            { QStringLiteral("filter"),
                QJsonObject { { QStringLiteral("attributes"),
                    QJsonObject { { QStringLiteral("type"), QString(QStringLiteral("dev.meshscope.") + name) } } } } },
            { QStringLiteral("subscriber"), QJsonObject { { QStringLiteral("ref"), ref } } } };
        return { { QStringLiteral("apiVersion"), QStringLiteral("eventing.knative.dev/v1") },
            { QStringLiteral("kind"), QStringLiteral("Trigger") }, { QStringLiteral("metadata"), metadata(ns, name) },
            { QStringLiteral("spec"), spec } };
    }

    static QJsonObject knativeService(const QString& ns, const QString& name)
    {
        const QJsonObject container { { QStringLiteral("image"), QStringLiteral("ghcr.io/meshscope/sink:1") } };
        const QJsonObject podSpec { { QStringLiteral("containers"), QJsonArray { container } } };
        const QJsonObject spec { { QStringLiteral("template"), QJsonObject { { QStringLiteral("spec"), podSpec } } } };
        return { { QStringLiteral("apiVersion"), QStringLiteral("serving.knative.dev/v1") },
            { QStringLiteral("kind"), QStringLiteral("Service") }, { QStringLiteral("metadata"), metadata(ns, name) },
            { QStringLiteral("spec"), spec } };
    }

    // A merge patch that changes the object's resourceVersion without touching its spec.
    static Op relabel(const QString& path, int generation)
    {
        const QJsonObject labels { { QStringLiteral("meshscope.dev/revision"), QString::number(generation) } };
        return { "PATCH", path,
            QJsonObject { { QStringLiteral("metadata"), QJsonObject { { QStringLiteral("labels"), labels } } } },
            "application/merge-patch+json" };
    }

private:
    const KubeHarness& m_harness;
    std::unique_ptr<QNetworkAccessManager> m_network;
};
