// SPDX-License-Identifier: Apache-2.0
#include "kubeconfig.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

// A kubeconfig is any file the user points KUBECONFIG at: parsing and resolving it must never crash or hang.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto input = QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    QList<SourceIssue> issues;
    const auto config = Kubeconfig::parse(input, QStringLiteral("/fuzz/config"), &issues);
    for (const auto& issue : issues)
        issue.toString();
    if (!config)
        return 0;
    QString error;
    config->resolve(QString(), &error);
    for (const auto& name : config->contextNames())
        config->resolve(name, &error);
    return 0;
}
