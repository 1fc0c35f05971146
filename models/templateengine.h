// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cloudevent.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QRandomGenerator>
#include <QString>

#include <functional>
#include <optional>

// One problem with a placeholder, where a person typed it.
struct TemplateIssue {
    QString field; // attribute name, or "data"
    int line = 1; // 1-based, within the field's text
    int column = 1; // 1-based, in characters (UTF-16 code units) within the line
    QString message;
    friend bool operator==(const TemplateIssue&, const TemplateIssue&) = default;
};

// A CloudEvent with placeholders, as a person composes it: every attribute as text in its canonical string form
// (time as RFC 3339, binary as base64) and the data as text. Extensions keep the type the composer gave them; the
// expanded text is converted back to it.
struct CloudEventTemplate {
    // Core and extension attributes by name, e.g. "id" -> "{{uuid}}", "time" -> "{{now}}".
    QMap<QString, QString> attributes;
    // Extension types by name as QMetaType ids of the CloudEvents type system (Bool, Int, QString, QByteArray,
    // QDateTime); a missing one is String. URI and URI-reference are Strings here, as in CloudEvent.
    QMap<QString, int> extensionTypes;
    // Text and JSON data are expanded as UTF-8 text; binary data is used as it is.
    QByteArray data;
    CloudEvent::DataKind dataKind = CloudEvent::DataKind::None;

    // The template that expands to this event, placeholders aside.
    static CloudEventTemplate fromEvent(const CloudEvent& event);
    friend bool operator==(const CloudEventTemplate&, const CloudEventTemplate&) = default;
};

// Expands placeholders in event templates:
//   {{uuid}}            a random (version 4) UUID, a new one for every occurrence
//   {{now}}             the expansion's time, RFC 3339 in UTC with milliseconds ("2026-11-26T09:30:00.000Z")
//   {{seq}}             the expansion's sequence number: 1 for the first expansion, then 2, 3, ...
//   {{random:MIN-MAX}}  an integer from MIN to MAX inclusive (either may be negative: {{random:-5--1}})
//   {{choice:a|b|c}}    one of the options, each equally likely (options may be empty)
// Names may be padded with spaces ("{{ uuid }}"). Anything else between "{{" and "}}", and a "{{" without "}}", is an
// issue reported with its position; the text is then kept as typed so that nothing is lost, but an expansion with
// issues must not be sent. Randomness comes from a seedable generator, so a seed makes expansions reproducible.
class TemplateEngine {
public:
    // Seeded from the system's entropy.
    TemplateEngine();
    explicit TemplateEngine(quint32 seed);

    // The clock {{now}} reads (by default the current time); for reproducible expansions.
    void setClock(std::function<QDateTime()> clock);
    // The sequence number the next expansion gets (1 at first).
    quint64 nextSequence() const;
    void setNextSequence(quint64 sequence);

    // Starts an expansion: takes the next sequence number and reads the clock once.
    void beginExpansion();
    // Expands one text within the current expansion; issues name the field. Begins an expansion if none has begun.
    QString expandText(const QString& text, const QString& field, QList<TemplateIssue>* issues);
    // A new expansion of a whole template: attributes in name order, then the data. Text that does not convert to
    // its attribute's type after expansion (an Integer extension "{{random:1-10}}x") is an issue at column 1 of the
    // field. nullopt when there are issues; the event is not validated here (CloudEventValidator does that).
    std::optional<CloudEvent> expand(const CloudEventTemplate& eventTemplate, QList<TemplateIssue>* issues);

    // The placeholders' syntax alone, without expanding (for showing mistakes while a person types).
    static QList<TemplateIssue> check(const QString& text, const QString& field);
    static QList<TemplateIssue> check(const CloudEventTemplate& eventTemplate);

private:
    QString uuid();

    QRandomGenerator m_random;
    std::function<QDateTime()> m_clock;
    quint64 m_nextSequence = 1;
    std::optional<quint64> m_sequence;
    QString m_now;
};
