// SPDX-License-Identifier: Apache-2.0
#include "kubeconfig.h"

#include "manifestparser.h"
#include "secretredactor.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QStringBuilder>

using namespace Qt::StringLiterals;

namespace {

SourceIssue makeIssue(SourceIssue::Severity severity, const SourceLocation& location, const QString& message)
{
    SourceIssue issue;
    issue.severity = severity;
    issue.location = location;
    issue.message = message;
    return issue;
}

QString typeName(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return u"a boolean"_s;
    case QJsonValue::Double:
        return u"a number"_s;
    case QJsonValue::String:
        return u"a string"_s;
    case QJsonValue::Array:
        return u"a list"_s;
    case QJsonValue::Object:
        return u"a mapping"_s;
    default:
        return u"null"_s;
    }
}

// Reads one parsed kubeconfig document; any error marks the file as unusable, as client-go refuses it.
class Reader {
public:
    Reader(const ManifestParser::YamlDocument* document, const QString& fileName, QList<SourceIssue>* issues)
        : m_document(document)
        , m_fileName(fileName)
        , m_dir(QFileInfo(fileName).absolutePath())
        , m_issues(issues)
    {
    }

    bool failed() const { return m_failed; }

    template <typename Entry, typename Fill>
    void readList(
        const QJsonObject& root, const QString& listKey, const QString& entryKey, QMap<QString, Entry>& out, Fill fill)
    {
        const auto value = root.value(listKey);
        if (value.isNull() || value.isUndefined())
            return;
        const auto listPointer = ManifestParser::jsonPointer(QString(), listKey);
        if (!value.isArray()) {
            typeError(listPointer, listKey, value, u"a list"_s);
            return;
        }
        const auto list = value.toArray();
        for (qsizetype i = 0; i < list.size(); ++i) {
            const auto pointer = ManifestParser::jsonPointer(listPointer, i);
            const QString display = listKey % u'[' % QString::number(i) % u']';
            if (!list.at(i).isObject()) {
                typeError(pointer, display, list.at(i), u"a mapping"_s);
                continue;
            }
            const auto item = list.at(i).toObject();
            const auto name = string(item, pointer, display, u"name"_s);
            if (name.isEmpty()) {
                error(pointer, display % u" has no name"_s);
                continue;
            }
            if (out.contains(name)) {
                error(ManifestParser::jsonPointer(pointer, u"name"_s),
                    u"duplicate name \"%1\" in %2"_s.arg(name, listKey));
                continue;
            }
            Entry entry;
            entry.name = name;
            entry.file = m_fileName;
            const auto bodyPointer = ManifestParser::jsonPointer(pointer, entryKey);
            const QString bodyDisplay = display % u'.' % entryKey;
            const auto body = mapping(item, pointer, display, entryKey);
            fill(entry, body, bodyPointer, bodyDisplay);
            out.insert(name, entry);
        }
    }

    void fillCluster(KubeCluster& cluster, const QJsonObject& body, const QString& pointer, const QString& display)
    {
        cluster.server = string(body, pointer, display, u"server"_s);
        cluster.tlsServerName = string(body, pointer, display, u"tls-server-name"_s);
        cluster.insecureSkipTlsVerify = boolean(body, pointer, display, u"insecure-skip-tls-verify"_s);
        cluster.certificateAuthority = path(body, pointer, display, u"certificate-authority"_s);
        cluster.certificateAuthorityData = data(body, pointer, display, u"certificate-authority-data"_s);
        cluster.proxyUrl = string(body, pointer, display, u"proxy-url"_s);
        cluster.disableCompression = boolean(body, pointer, display, u"disable-compression"_s);
    }

    void fillUser(KubeUser& user, const QJsonObject& body, const QString& pointer, const QString& display)
    {
        user.clientCertificate = path(body, pointer, display, u"client-certificate"_s);
        user.clientKey = path(body, pointer, display, u"client-key"_s);
        user.clientCertificateData = data(body, pointer, display, u"client-certificate-data"_s);
        user.clientKeyData = data(body, pointer, display, u"client-key-data"_s);
        user.token = string(body, pointer, display, u"token"_s);
        user.tokenFile = path(body, pointer, display, u"tokenFile"_s);
        user.username = string(body, pointer, display, u"username"_s);
        user.password = string(body, pointer, display, u"password"_s);
        SecretRedactor::registerSecret(user.clientKeyData);
        SecretRedactor::registerSecret(user.token);
        SecretRedactor::registerSecret(user.password);
        user.impersonate.as = string(body, pointer, display, u"as"_s);
        user.impersonate.asGroups = strings(body, pointer, display, u"as-groups"_s);

        if (body.contains(u"exec"_s) && !body.value(u"exec"_s).isNull())
            user.exec = exec(mapping(body, pointer, display, u"exec"_s),
                ManifestParser::jsonPointer(pointer, u"exec"_s), display % u".exec"_s);

        if (body.contains(u"auth-provider"_s) && !body.value(u"auth-provider"_s).isNull()) {
            const auto providerPointer = ManifestParser::jsonPointer(pointer, u"auth-provider"_s);
            const QString providerDisplay = display % u".auth-provider"_s;
            const auto provider = mapping(body, pointer, display, u"auth-provider"_s);
            user.authProvider = string(provider, providerPointer, providerDisplay, u"name"_s);
            reportAuthProvider(user, providerPointer);
        }
    }

    void fillContext(KubeContext& context, const QJsonObject& body, const QString& pointer, const QString& display)
    {
        context.cluster = string(body, pointer, display, u"cluster"_s);
        context.user = string(body, pointer, display, u"user"_s);
        context.ns = string(body, pointer, display, u"namespace"_s);
        if (context.ns.isEmpty())
            context.ns = u"default"_s;
    }

    QString string(const QJsonObject& object, const QString& pointer, const QString& display, const QString& key)
    {
        const auto value = object.value(key);
        if (value.isNull() || value.isUndefined())
            return {};
        if (!value.isString()) {
            typeError(ManifestParser::jsonPointer(pointer, key), display % u'.' % key, value, u"a string"_s);
            return {};
        }
        return value.toString();
    }

    void error(const QString& pointer, const QString& message)
    {
        m_failed = true;
        m_issues->append(makeIssue(SourceIssue::Severity::Error, locate(pointer), message));
    }

private:
    SourceLocation locate(const QString& pointer) const
    {
        if (m_document)
            return m_document->locate(pointer);
        return SourceLocation { m_fileName, 0, 0 };
    }

    void typeError(const QString& pointer, const QString& display, const QJsonValue& value, const QString& expected)
    {
        error(pointer, u"%1 must be %2, not %3"_s.arg(display, expected, typeName(value)));
    }

    QJsonObject mapping(const QJsonObject& object, const QString& pointer, const QString& display, const QString& key)
    {
        const auto value = object.value(key);
        if (value.isNull() || value.isUndefined())
            return {};
        if (!value.isObject()) {
            typeError(ManifestParser::jsonPointer(pointer, key), display % u'.' % key, value, u"a mapping"_s);
            return {};
        }
        return value.toObject();
    }

    bool boolean(const QJsonObject& object, const QString& pointer, const QString& display, const QString& key)
    {
        const auto value = object.value(key);
        if (value.isNull() || value.isUndefined())
            return false;
        if (!value.isBool()) {
            typeError(ManifestParser::jsonPointer(pointer, key), display % u'.' % key, value, u"a boolean"_s);
            return false;
        }
        return value.toBool();
    }

    QStringList strings(const QJsonObject& object, const QString& pointer, const QString& display, const QString& key)
    {
        const auto value = object.value(key);
        if (value.isNull() || value.isUndefined())
            return {};
        const auto listPointer = ManifestParser::jsonPointer(pointer, key);
        const QString listDisplay = display % u'.' % key;
        if (!value.isArray()) {
            typeError(listPointer, listDisplay, value, u"a list"_s);
            return {};
        }
        QStringList result;
        const auto list = value.toArray();
        for (qsizetype i = 0; i < list.size(); ++i) {
            if (!list.at(i).isString()) {
                typeError(ManifestParser::jsonPointer(listPointer, i), listDisplay % u'[' % QString::number(i) % u']',
                    list.at(i), u"a string"_s);
                continue;
            }
            result.append(list.at(i).toString());
        }
        return result;
    }

    QString absolute(const QString& path) const
    {
        if (path.isEmpty())
            return {};
        return QDir::cleanPath(QDir(m_dir).absoluteFilePath(path));
    }

    QString path(const QJsonObject& object, const QString& pointer, const QString& display, const QString& key)
    {
        return absolute(string(object, pointer, display, key));
    }

    // The value is not echoed: it may be a private key.
    QByteArray data(const QJsonObject& object, const QString& pointer, const QString& display, const QString& key)
    {
        const auto text = string(object, pointer, display, key);
        if (text.isEmpty())
            return {};
        auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded) {
            error(ManifestParser::jsonPointer(pointer, key), display % u'.' % key % u" is not valid base64"_s);
            return {};
        }
        return std::move(*decoded);
    }

    ExecConfig exec(const QJsonObject& body, const QString& pointer, const QString& display)
    {
        ExecConfig config;
        config.apiVersion = string(body, pointer, display, u"apiVersion"_s);
        config.command = string(body, pointer, display, u"command"_s);
        config.args = strings(body, pointer, display, u"args"_s);
        config.installHint = string(body, pointer, display, u"installHint"_s);
        config.provideClusterInfo = boolean(body, pointer, display, u"provideClusterInfo"_s);
        config.interactiveMode = string(body, pointer, display, u"interactiveMode"_s);

        // A bare command name is looked up in PATH when run; only one with a '/' is a path relative to the file.
        if (config.command.contains(u'/'))
            config.command = absolute(config.command);
        if (config.command.isEmpty())
            error(pointer, display % u".command is required"_s);

        static const QStringList apiVersions { u"client.authentication.k8s.io/v1"_s,
            u"client.authentication.k8s.io/v1beta1"_s };
        if (!apiVersions.contains(config.apiVersion))
            error(ManifestParser::jsonPointer(pointer, u"apiVersion"_s),
                u"%1.apiVersion must be one of %2"_s.arg(display, apiVersions.join(u", "_s)));

        // client-go defaults the mode for v1beta1 only; v1 requires it.
        static const QStringList modes { u"Never"_s, u"IfAvailable"_s, u"Always"_s };
        if (config.interactiveMode.isEmpty()) {
            if (config.apiVersion == u"client.authentication.k8s.io/v1"_s)
                error(pointer, display % u".interactiveMode is required for client.authentication.k8s.io/v1"_s);
            else
                config.interactiveMode = u"IfAvailable"_s;
        } else if (!modes.contains(config.interactiveMode)) {
            error(ManifestParser::jsonPointer(pointer, u"interactiveMode"_s),
                u"%1.interactiveMode must be one of %2"_s.arg(display, modes.join(u", "_s)));
        }

        const auto envValue = body.value(u"env"_s);
        const auto envPointer = ManifestParser::jsonPointer(pointer, u"env"_s);
        if (!envValue.isNull() && !envValue.isUndefined() && !envValue.isArray())
            typeError(envPointer, display % u".env"_s, envValue, u"a list"_s);
        const auto env = envValue.toArray();
        for (qsizetype i = 0; i < env.size(); ++i) {
            const auto itemPointer = ManifestParser::jsonPointer(envPointer, i);
            const QString itemDisplay = display % u".env["_s % QString::number(i) % u']';
            if (!env.at(i).isObject()) {
                typeError(itemPointer, itemDisplay, env.at(i), u"a mapping"_s);
                continue;
            }
            const auto item = env.at(i).toObject();
            const auto name = string(item, itemPointer, itemDisplay, u"name"_s);
            if (name.isEmpty()) {
                error(itemPointer, itemDisplay % u".name is required"_s);
                continue;
            }
            config.env.append({ name, string(item, itemPointer, itemDisplay, u"value"_s) });
        }
        return config;
    }

    // Not fatal to the file: kubectl fails only when a context uses such a user, and resolve() does the same.
    void reportAuthProvider(const KubeUser& user, const QString& pointer)
    {
        const auto where = locate(pointer);
        if (user.authProvider == u"gcp"_s || user.authProvider == u"azure"_s)
            m_issues->append(makeIssue(SourceIssue::Severity::Error, where,
                u"user \"%1\": the %2 auth-provider was removed from Kubernetes clients in 1.26; use the %3 exec "
                "plugin instead"_s.arg(user.name, user.authProvider,
                    user.authProvider == u"gcp"_s ? u"gke-gcloud-auth-plugin"_s : u"kubelogin"_s)));
        else if (user.authProvider == u"oidc"_s)
            m_issues->append(makeIssue(SourceIssue::Severity::Warning, where,
                u"user \"%1\": the oidc auth-provider is not supported yet; use an exec plugin such as kubelogin "
                "(oidc-login)"_s.arg(user.name)));
        else
            m_issues->append(makeIssue(SourceIssue::Severity::Warning, where,
                u"user \"%1\": unknown auth-provider \"%2\""_s.arg(user.name, user.authProvider)));
    }

    const ManifestParser::YamlDocument* m_document;
    QString m_fileName;
    QString m_dir;
    QList<SourceIssue>* m_issues;
    bool m_failed = false;
};

QString authProviderError(const KubeUser& user)
{
    if (user.authProvider == u"gcp"_s)
        return u"user \"%1\" uses the gcp auth-provider, which was removed in Kubernetes 1.26: install "
               "gke-gcloud-auth-plugin and use its exec configuration"_s.arg(user.name);
    if (user.authProvider == u"azure"_s)
        return u"user \"%1\" uses the azure auth-provider, which was removed in Kubernetes 1.26: install kubelogin "
               "and use its exec configuration (kubelogin convert-kubeconfig)"_s.arg(user.name);
    if (user.authProvider == u"oidc"_s)
        return u"user \"%1\" uses the oidc auth-provider, which is not supported yet: use an exec plugin such as "
               "kubelogin (oidc-login)"_s.arg(user.name);
    return u"user \"%1\" uses the unknown auth-provider \"%2\""_s.arg(user.name, user.authProvider);
}

} // namespace

std::optional<Kubeconfig> Kubeconfig::parse(const QByteArray& yaml, const QString& fileName, QList<SourceIssue>* issues)
{
    QList<SourceIssue> local;
    auto* out = issues ? issues : &local;

    const auto documents = ManifestParser::loadYaml(yaml, fileName);
    bool syntaxError = false;
    for (const auto& issue : documents.issues) {
        out->append(issue);
        syntaxError = syntaxError || issue.severity == SourceIssue::Severity::Error;
    }
    if (syntaxError)
        return std::nullopt;

    Kubeconfig config;
    config.m_files.append(fileName);
    // An empty file is an empty config, as for client-go.
    if (documents.documents.isEmpty())
        return config;

    const auto& document = documents.documents.constFirst();
    Reader reader(&document, fileName, out);
    if (!document.value.isObject()) {
        reader.error(QString(), u"a kubeconfig must be a mapping, not %1"_s.arg(typeName(document.value)));
        return std::nullopt;
    }
    const auto root = document.value.toObject();

    reader.readList(root, u"clusters"_s, u"cluster"_s, config.m_clusters,
        [&reader](KubeCluster& cluster, const QJsonObject& body, const QString& pointer, const QString& display) {
            reader.fillCluster(cluster, body, pointer, display);
        });
    reader.readList(root, u"users"_s, u"user"_s, config.m_users,
        [&reader](KubeUser& user, const QJsonObject& body, const QString& pointer, const QString& display) {
            reader.fillUser(user, body, pointer, display);
        });
    reader.readList(root, u"contexts"_s, u"context"_s, config.m_contexts,
        [&reader](KubeContext& context, const QJsonObject& body, const QString& pointer, const QString& display) {
            reader.fillContext(context, body, pointer, display);
        });
    config.m_currentContext = reader.string(root, QString(), u"kubeconfig"_s, u"current-context"_s);
    if (!config.m_currentContext.isEmpty())
        config.m_currentContextFile = fileName;

    if (reader.failed())
        return std::nullopt;
    return config;
}

std::optional<Kubeconfig> Kubeconfig::load(const LoadOptions& options, QList<SourceIssue>* issues)
{
    QList<SourceIssue> local;
    auto* out = issues ? issues : &local;

    QStringList paths;
    if (!options.explicitPath.isEmpty()) {
        if (!QFileInfo::exists(options.explicitPath)) {
            out->append(makeIssue(SourceIssue::Severity::Error, SourceLocation { options.explicitPath, 0, 0 },
                u"kubeconfig file does not exist"_s));
            return std::nullopt;
        }
        paths.append(options.explicitPath);
    } else if (!options.kubeconfigEnv.isEmpty()) {
        QSet<QString> seen;
        for (const auto& entry : options.kubeconfigEnv.split(u':', Qt::SkipEmptyParts)) {
            if (seen.contains(entry))
                continue;
            seen.insert(entry);
            if (!QFileInfo::exists(entry)) {
                out->append(makeIssue(SourceIssue::Severity::Warning, SourceLocation { entry, 0, 0 },
                    u"kubeconfig file from KUBECONFIG does not exist; skipped"_s));
                continue;
            }
            paths.append(entry);
        }
        if (paths.isEmpty())
            out->append(makeIssue(SourceIssue::Severity::Warning, SourceLocation {},
                u"none of the files named in KUBECONFIG (%1) exists"_s.arg(options.kubeconfigEnv)));
    } else if (!options.homeDir.isEmpty()) {
        // A missing default file is no error: there is simply no configuration.
        const auto path = QDir(options.homeDir).filePath(u".kube/config"_s);
        if (QFileInfo::exists(path))
            paths.append(path);
    }

    Kubeconfig merged;
    for (const auto& path : std::as_const(paths)) {
        const auto absolute = QFileInfo(path).absoluteFilePath();
        QFile file(absolute);
        if (!file.open(QIODevice::ReadOnly)) {
            out->append(makeIssue(SourceIssue::Severity::Error, SourceLocation { absolute, 0, 0 },
                u"cannot read kubeconfig: %1"_s.arg(file.errorString())));
            return std::nullopt;
        }
        const auto config = parse(file.readAll(), absolute, out);
        if (!config)
            return std::nullopt;
        merged.mergeFrom(*config);
    }
    return merged;
}

void Kubeconfig::mergeFrom(const Kubeconfig& later)
{
    for (auto it = later.m_clusters.cbegin(); it != later.m_clusters.cend(); ++it)
        if (!m_clusters.contains(it.key()))
            m_clusters.insert(it.key(), it.value());
    for (auto it = later.m_users.cbegin(); it != later.m_users.cend(); ++it)
        if (!m_users.contains(it.key()))
            m_users.insert(it.key(), it.value());
    for (auto it = later.m_contexts.cbegin(); it != later.m_contexts.cend(); ++it)
        if (!m_contexts.contains(it.key()))
            m_contexts.insert(it.key(), it.value());
    if (m_currentContext.isEmpty()) {
        m_currentContext = later.m_currentContext;
        m_currentContextFile = later.m_currentContextFile;
    }
    m_files.append(later.m_files);
}

std::optional<ResolvedContext> Kubeconfig::resolve(const QString& contextName, QString* error) const
{
    const auto fail = [error](const QString& message) -> std::optional<ResolvedContext> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    const auto where = m_files.isEmpty() ? u"no kubeconfig file was found"_s : m_files.join(u", "_s);

    const auto name = contextName.isEmpty() ? m_currentContext : contextName;
    if (name.isEmpty())
        return fail(u"no context chosen and current-context is not set (%1)"_s.arg(where));
    const auto context = m_contexts.constFind(name);
    if (context == m_contexts.cend())
        return fail(m_files.isEmpty() ? u"context \"%1\" not found: %2"_s.arg(name, where)
                                      : u"context \"%1\" not found in %2"_s.arg(name, where));

    ResolvedContext resolved;
    resolved.context = *context;
    if (context->cluster.isEmpty())
        return fail(u"context \"%1\" (%2) names no cluster"_s.arg(name, context->file));
    const auto cluster = m_clusters.constFind(context->cluster);
    if (cluster == m_clusters.cend())
        return fail(u"context \"%1\" refers to cluster \"%2\", which is not defined"_s.arg(name, context->cluster));
    resolved.cluster = *cluster;
    if (resolved.cluster.server.isEmpty())
        return fail(u"cluster \"%1\" (%2) has no server"_s.arg(cluster->name, cluster->file));

    // No user is allowed: the requests are anonymous.
    if (!context->user.isEmpty()) {
        const auto user = m_users.constFind(context->user);
        if (user == m_users.cend())
            return fail(u"context \"%1\" refers to user \"%2\", which is not defined"_s.arg(name, context->user));
        if (!user->authProvider.isEmpty())
            return fail(authProviderError(*user));
        resolved.user = *user;
    }
    return resolved;
}

QStringList Kubeconfig::contextNames() const { return m_contexts.keys(); }

QString Kubeconfig::readToken(const KubeUser& user, QString* error)
{
    if (user.tokenFile.isEmpty())
        return user.token;
    QFile file(user.tokenFile);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error
                = u"cannot read tokenFile %1 of user \"%2\": %3"_s.arg(user.tokenFile, user.name, file.errorString());
        return {};
    }
    const QString token = QString::fromUtf8(file.readAll()).trimmed();
    SecretRedactor::registerSecret(token);
    return token;
}
