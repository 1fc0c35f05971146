// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHostAddress>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

class QProcess;

// What the broker harnesses share: waiting without blocking the event loop, free loopback ports, random names,
// helper scripts, and child processes that die with the test.
namespace HarnessSupport {

// Runs the event loop for ms milliseconds.
void waitMs(int ms);
// Calls check every 100 ms until it returns true, fails (sets its error) or timeoutMs is over. The error is empty
// when the time ran out.
bool poll(int timeoutMs, const std::function<bool(QString*)>& check, QString* error);
// count different free loopback ports: each is held open until all are chosen, so none is handed out twice.
QList<quint16> freePorts(int count);
// bytes random bytes as lower-case hex.
QString randomHex(int bytes);
// Runs a helper script with bash and returns the last non-empty line it printed, which must be an existing folder;
// its stderr goes to the test's. environment: the script's (default: this process's).
QString runScript(const QString& script, int timeoutMs, QString* error,
    const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment());
// Starts program in workingDir with stdout and stderr appended to logFile. The kernel kills it when the thread
// that started it ends (the test's main thread), so a crash or a ctest timeout leaves nothing behind; the
// parent-death signal survives exec, so a script that execs its server keeps it.
std::unique_ptr<QProcess> launch(const QString& program, const QStringList& args, const QString& workingDir,
    const QString& logFile, const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment());
// SIGTERM, then SIGKILL when it has not exited after graceMs; 0 kills at once. Waits until it is reaped.
void stopProcess(std::unique_ptr<QProcess>& process, int graceMs);
// An IPv4 address of this machine that is up and neither loopback nor link-local: the API server refuses to proxy to
// loopback addresses.
std::optional<QHostAddress> nonLoopbackIPv4();
// The last lines of a log file, for error messages.
QString logTail(const QString& file, int lines = 20);

} // namespace HarnessSupport
