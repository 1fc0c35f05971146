// SPDX-License-Identifier: Apache-2.0
#include "harnesssupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkInterface>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTimer>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

#include <vector>

using namespace Qt::StringLiterals;

namespace HarnessSupport {

void waitMs(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

bool poll(int timeoutMs, const std::function<bool(QString*)>& check, QString* error)
{
    QElapsedTimer timer;
    timer.start();
    while (true) {
        QString failure;
        if (check(&failure))
            return true;
        if (!failure.isEmpty() || timer.elapsed() > timeoutMs) {
            *error = failure;
            return false;
        }
        waitMs(100);
    }
}

std::optional<QHostAddress> nonLoopbackIPv4()
{
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface& interface : interfaces) {
        const auto flags = interface.flags();
        if (!flags.testFlag(QNetworkInterface::IsUp) || !flags.testFlag(QNetworkInterface::IsRunning)
            || flags.testFlag(QNetworkInterface::IsLoopBack))
            continue;
        const auto entries = interface.addressEntries();
        for (const QNetworkAddressEntry& entry : entries) {
            const QHostAddress ip = entry.ip();
            if (ip.protocol() == QAbstractSocket::IPv4Protocol && !ip.isLoopback() && !ip.isLinkLocal())
                return ip;
        }
    }
    return std::nullopt;
}

QList<quint16> freePorts(int count)
{
    std::vector<std::unique_ptr<QTcpServer>> servers;
    QList<quint16> ports;
    for (int i = 0; i < count; ++i) {
        auto server = std::make_unique<QTcpServer>();
        if (!server->listen(QHostAddress::LocalHost, 0))
            return {};
        ports.append(server->serverPort());
        servers.push_back(std::move(server));
    }
    return ports;
}

QString randomHex(int bytes)
{
    QByteArray data(bytes, Qt::Uninitialized);
    for (char& byte : data)
        byte = char(QRandomGenerator::system()->bounded(256));
    return QString::fromLatin1(data.toHex());
}

QString runScript(const QString& script, int timeoutMs, QString* error, const QProcessEnvironment& environment)
{
    qInfo("harness: running %s", qPrintable(script));
    QProcess process;
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process.start(u"bash"_s, { script });
    if (!process.waitForFinished(timeoutMs) || process.exitStatus() != QProcess::NormalExit
        || process.exitCode() != 0) {
        *error = u"%1 failed (exit code %2): see its output above"_s.arg(script).arg(process.exitCode());
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished();
        }
        return {};
    }
    const QStringList lines = QString::fromUtf8(process.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    if (lines.isEmpty() || !QDir(lines.last().trimmed()).exists()) {
        *error = u"%1 printed no folder"_s.arg(script);
        return {};
    }
    return lines.last().trimmed();
}

std::unique_ptr<QProcess> launch(const QString& program, const QStringList& args, const QString& workingDir,
    const QString& logFile, const QProcessEnvironment& environment)
{
    auto process = std::make_unique<QProcess>();
    process->setWorkingDirectory(workingDir);
    process->setProcessEnvironment(environment);
    process->setStandardInputFile(QProcess::nullDevice());
    process->setStandardOutputFile(logFile, QIODevice::Append);
    process->setStandardErrorFile(logFile, QIODevice::Append);
    process->setChildProcessModifier([parent = ::getpid()] {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent)
            ::_exit(1);
    });
    process->start(program, args);
    return process;
}

void stopProcess(std::unique_ptr<QProcess>& process, int graceMs)
{
    if (!process)
        return;
    if (process->state() != QProcess::NotRunning) {
        if (graceMs > 0) {
            process->terminate();
            if (!process->waitForFinished(graceMs))
                process->kill();
        } else {
            process->kill();
        }
        process->waitForFinished(10'000);
    }
    process.reset();
}

QString logTail(const QString& file, int lines)
{
    QFile log(file);
    if (!log.open(QIODevice::ReadOnly))
        return file + u": "_s + log.errorString();
    const QList<QByteArray> all = log.readAll().trimmed().split('\n');
    return QString::fromUtf8(all.mid(qMax(0, int(all.size()) - lines)).join('\n'));
}

} // namespace HarnessSupport
