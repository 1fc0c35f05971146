// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QString>

#include <functional>
#include <optional>

// The CloudEvents Go SDK's HTTP receiver (tests/conformance/cereceiver), code no one here wrote: built once by
// tests/conformance/build-go-tool.sh (about 20 s, then milliseconds), or taken from MESHSCOPE_CERECEIVER, and run
// on a free loopback port. Every request it decoded becomes one record (a JSON object: path, attributes with their Go
// types, data), in arrival order.
class CeReceiver : public QObject {
    Q_OBJECT
public:
    explicit CeReceiver(QObject* parent = nullptr);
    ~CeReceiver() override;

    // Builds when needed, starts and waits until it listens; false with *error otherwise.
    bool start(QString* error);
    quint16 port() const { return m_port; }
    const QList<QJsonObject>& records() const { return m_records; }
    // The last record that matches, once one has arrived; nullopt when none did within timeoutMs. The event loop runs
    // meanwhile.
    std::optional<QJsonObject> awaitRecord(
        const std::function<bool(const QJsonObject&)>& matches, int timeoutMs = 5000);
    // Matches a record by the event's id.
    static std::function<bool(const QJsonObject&)> withId(const QString& id);

private:
    void readLines();

    QProcess m_process;
    QByteArray m_output;
    QList<QJsonObject> m_records;
    quint16 m_port = 0;
};
