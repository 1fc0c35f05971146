// SPDX-License-Identifier: Apache-2.0
#include "crdschema.h"
#include "draftvalidator.h"
#include "manifestparser.h"

#include <QByteArray>
#include <QSet>
#include <QString>
#include <QStringList>

#include <cstddef>
#include <cstdint>

// Manifests come from any file a user opens and from the editor as it is typed: none of this may crash or hang.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto input = QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    const auto fileName = QStringLiteral("fuzz.yaml");

    const auto yaml = ManifestParser::parseYaml(input, fileName);
    for (const auto& object : yaml.objects)
        ManifestParser::toYaml(object->raw);

    const auto json = ManifestParser::parseJson(input, fileName);
    for (const auto& object : json.objects)
        ManifestParser::toYaml(object->raw);

    // The shipped Trigger schema runs inside validateTrigger; the immutable-broker check needs a live broker.
    DraftValidator::validateTrigger(input, fileName, { QStringLiteral("default/default") },
        { QStringLiteral("serving.knative.dev/Service/default/hello") }, nullptr, QStringLiteral("default"));
    // A CRD read from a cluster is input too: compiling it, and validating against it, must hold up.
    const auto schema = CrdSchema::fromCrd(input);
    if (!schema.isNull())
        schema.validateYaml(input, fileName);
    DraftValidator::isValidIso8601Duration(QString::fromUtf8(input));
    return 0;
}
