// SPDX-License-Identifier: Apache-2.0
#include "secretredactor.h"

#include <QList>
#include <QReadWriteLock>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

struct Registry {
    QReadWriteLock lock;
    QSet<QString> known;
    // Longest first, so that a secret containing another is replaced whole.
    QList<QString> ordered;
};

Registry& registry()
{
    static Registry instance;
    return instance;
}

struct Rule {
    QRegularExpression pattern;
    QString replacement;
};

const QList<Rule>& rules()
{
    static const QList<Rule> instance = [] {
        const QString mask = SecretRedactor::mask();
        const auto options = QRegularExpression::CaseInsensitiveOption;
        return QList<Rule> {
            // A PEM private key, whole.
            { QRegularExpression(
                  u"-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\\s\\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)"_s),
                u"-----BEGIN \\1PRIVATE KEY-----"_s % mask % u"-----END \\1PRIVATE KEY-----"_s },
            // Authorization: Bearer abc / Basic abc / Proxy-Authorization.
            { QRegularExpression(
                  u"(authorization[\"']?\\s*[:=]\\s*[\"']?(?:bearer|basic|token)?\\s*)[^\\s\"',;]+"_s, options),
                u"\\1"_s % mask },
            // "token": "abc" and friends in JSON.
            { QRegularExpression(u"(\"(?:[a-z_.-]*token|password|passwd|secret|client[_-]?secret|"
                                 "client[_-]?key[_-]?data|api[_-]?key)\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*\""_s,
                  options),
                u"\\1"_s % mask % u"\""_s },
            // password=abc, sasl.password: abc, token=abc, client_secret=abc in URLs, configs and YAML.
            { QRegularExpression(u"((?:^|[\\s?&;,({\\[])(?:[a-z_.-]*password|passwd|pwd|[a-z_.-]*token|"
                                 "[a-z_.-]*secret|client[_-]?key[_-]?data|api[_-]?key)[\"']?\\s*[=:]\\s*[\"']?)"
                                 "(?!\\s)[^\\s\"'&;,)}\\]]+"_s,
                  options),
                u"\\1"_s % mask },
            // User info in URLs: scheme://user:password@host.
            { QRegularExpression(u"([a-z][a-z0-9+.-]*://[^\\s/:@]+:)[^\\s/@]+@"_s, options), u"\\1"_s % mask % u"@"_s },
        };
    }();
    return instance;
}

} // namespace

void SecretRedactor::registerSecret(const QString& secret)
{
    const QString trimmed = secret.trimmed();
    if (trimmed.size() < minimumLength)
        return;
    auto& r = registry();
    QWriteLocker locker(&r.lock);
    if (r.known.contains(trimmed))
        return;
    r.known.insert(trimmed);
    const auto at = std::lower_bound(r.ordered.begin(), r.ordered.end(), trimmed,
        [](const QString& a, const QString& b) { return a.size() > b.size(); });
    r.ordered.insert(at, trimmed);
}

void SecretRedactor::registerSecret(const QByteArray& secret)
{
    const QString text = QString::fromUtf8(secret);
    registerSecret(text);
    for (const auto& line : text.split(u'\n', Qt::SkipEmptyParts)) {
        // Armour lines name the kind of key; they are not secret.
        if (!line.startsWith(u"-----"_s) && line.trimmed().size() >= 16)
            registerSecret(line);
    }
}

QString SecretRedactor::redact(const QString& text)
{
    QString result = text;
    {
        auto& r = registry();
        QReadLocker locker(&r.lock);
        for (const auto& secret : std::as_const(r.ordered))
            result.replace(secret, mask());
    }
    for (const auto& rule : rules())
        result.replace(rule.pattern, rule.replacement);
    return result;
}

qsizetype SecretRedactor::secretCount()
{
    auto& r = registry();
    QReadLocker locker(&r.lock);
    return r.ordered.size();
}

void SecretRedactor::clear()
{
    auto& r = registry();
    QWriteLocker locker(&r.lock);
    r.known.clear();
    r.ordered.clear();
}
