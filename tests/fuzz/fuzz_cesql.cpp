// SPDX-License-Identifier: Apache-2.0
#include "cesqlevaluator.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace {

CloudEvent fuzzEvent()
{
    CloudEvent event;
    event.id = QStringLiteral("42");
    event.source = QStringLiteral("/apis/v1/namespaces/shop/pingsources/orders");
    event.type = QStringLiteral("com.example.order.created");
    event.subject = QStringLiteral("orders/42");
    event.setAttribute(QStringLiteral("time"), QStringLiteral("2026-11-26T10:00:00Z"));
    event.setAttribute(QStringLiteral("region"), QStringLiteral("eu-west"));
    event.setAttribute(QStringLiteral("priority"), 5);
    event.setAttribute(QStringLiteral("urgent"), true);
    event.setAttribute(QStringLiteral("name"), QStringLiteral("Zo\u00eb \U0001F680"));
    return event;
}

} // namespace

// A trigger's `cesql` filter is text the user types or a cluster serves: parsing and evaluating it must never crash,
// hang or leave the error and the tree inconsistent.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const CloudEvent event = fuzzEvent();
    const auto expression = QString::fromUtf8(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const auto parsed = CesqlParser::parse(expression);
    for (const auto& warning : parsed->warnings())
        warning.toString();
    if (parsed->isValid() == parsed->error().has_value() || parsed->isValid() != (parsed->root() != nullptr))
        std::abort();
    const auto evaluation = CesqlEvaluator::evaluate(*parsed, event);
    if (parsed->isValid() && !evaluation.decidingNode)
        std::abort();
    if (evaluation.error)
        evaluation.error->toString();
    QString reason;
    CesqlEvaluator::filterEngine()(expression, event, &reason);
    return 0;
}
