// SPDX-License-Identifier: Apache-2.0
#include "cereceiver.h"

#include "harnesssupport.h"

#include <QFileInfo>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

CeReceiver::CeReceiver(QObject* parent)
    : QObject(parent)
{
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &CeReceiver::readLines);
}

CeReceiver::~CeReceiver()
{
    m_process.kill();
    m_process.waitForFinished();
}

bool CeReceiver::start(QString* error)
{
    QString binary = qEnvironmentVariable("MESHSCOPE_CERECEIVER");
    if (binary.isEmpty()) {
        QProcess build;
        build.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        build.start(
            u"bash"_s, { QStringLiteral(MESHSCOPE_SOURCE_DIR "/tests/conformance/build-go-tool.sh"), u"cereceiver"_s });
        if (!build.waitForFinished(600'000) || build.exitStatus() != QProcess::NormalExit || build.exitCode() != 0) {
            *error = u"tests/conformance/build-go-tool.sh cereceiver failed (see its output above); set "
                     u"MESHSCOPE_CERECEIVER "
                     u"to a built cereceiver to skip the build"_s;
            return false;
        }
        binary = QString::fromLocal8Bit(build.readAllStandardOutput().trimmed().split('\n').constLast());
    }
    if (!QFileInfo(binary).isExecutable()) {
        *error = u"no cereceiver at "_s + binary;
        return false;
    }
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start(binary, { u"-port"_s, u"0"_s });
    if (!m_process.waitForStarted()) {
        *error = m_process.errorString();
        return false;
    }
    QString failure;
    if (!HarnessSupport::poll(
            10'000, [this](QString*) { return m_port != 0; }, &failure)) {
        *error = u"cereceiver did not say where it listens within 10 s"_s;
        return false;
    }
    return true;
}

void CeReceiver::readLines()
{
    m_output += m_process.readAllStandardOutput();
    qsizetype end = 0;
    while ((end = m_output.indexOf('\n')) >= 0) {
        const QByteArray line = m_output.left(end);
        m_output.remove(0, end + 1);
        if (line.startsWith("listening on "))
            m_port = quint16(line.mid(line.lastIndexOf(':') + 1).toUInt());
        else
            m_records.append(QJsonDocument::fromJson(line).object());
    }
}

std::optional<QJsonObject> CeReceiver::awaitRecord(
    const std::function<bool(const QJsonObject&)>& matches, int timeoutMs)
{
    std::optional<QJsonObject> found;
    QString failure;
    HarnessSupport::poll(
        timeoutMs,
        [&](QString*) {
            for (const auto& record : std::as_const(m_records)) {
                if (matches(record))
                    found = record;
            }
            return found.has_value();
        },
        &failure);
    return found;
}

std::function<bool(const QJsonObject&)> CeReceiver::withId(const QString& id)
{
    return [id](const QJsonObject& record) { return record[u"attributes"_s][u"id"_s][u"value"_s].toString() == id; };
}
