// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "knativeobject.h"
#include "kubeclient.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>
#include <QTimer>

#include <chrono>
#include <optional>

// Keeps the objects of one resource in one namespace (empty = all namespaces) current, the way client-go's
// reflector does: a paginated list, then a watch from the list's resourceVersion with bookmarks. A watch the
// server ends (its timeoutSeconds) is resumed from the last resourceVersion seen; a 410 Gone (HTTP, or an ERROR
// event with code 410) starts a fresh list; anything else is retried after a capped exponential backoff with
// jitter, resuming the watch when the informer has listed, else listing again.
//
// It remembers every object it reported, so that after any list it emits exactly the differences: Added for new
// keys, Modified for a changed resourceVersion, Deleted for keys the list no longer has. No duplicates, no ghosts.
// metadata.managedFields is dropped from the objects (kubectl hides it too): it is large and nobody reads it.
//
// Lives on the thread of its client; everything, including the JSON parsing, runs there.
class KubeInformer : public QObject {
    Q_OBJECT
public:
    enum class State {
        Idle, // not started, or stopped
        Listing,
        Synced, // listed, and the watch is running
        Reconnecting, // a transient failure (unreachable, timeout, server error, dropped watch); retried
        Forbidden, // 403: the message names the verb, the resource and the namespace; retried
        NotInstalled, // 404: the resource is not served; retried
        Failed, // credentials, TLS, 401, an answer that is not what the API promises; retried
    };
    Q_ENUM(State)

    // client-go's reflector defaults (800 ms, x2, 30 s, jitter 1.0, reset after 2 min without failure).
    struct Backoff {
        std::chrono::milliseconds initial { 800 };
        double factor = 2.0;
        std::chrono::milliseconds max { 30'000 };
        double jitter = 1.0; // the wait is d + random(0, jitter * d)
        std::chrono::milliseconds resetAfter { 120'000 }; // back to initial when the last failure is older
    };
    struct Options {
        Backoff backoff;
        int pageSize = 500;
        // The watch's timeoutSeconds is random in [min, max], as client-go picks it, so watches do not expire
        // all at once.
        std::chrono::seconds minWatchTimeout { 300 };
        std::chrono::seconds maxWatchTimeout { 600 };
        // A resumed watch that stays open this long (or delivers an event) counts as reconnected.
        std::chrono::milliseconds settle { 1'000 };
    };

    // origin becomes KnativeObject::origin of every object.
    KubeInformer(KubeClient* client, const KubeResource& resource, const QString& ns, const QString& origin,
        QObject* parent = nullptr);
    ~KubeInformer() override;

    void setOptions(const Options& options);
    const Options& options() const { return m_options; }

    void start();
    // Cancels the request in flight and any pending retry; the objects are kept (and reported as Added again by
    // the next start() only when they changed).
    void stop();
    // Skips the wait of a pending retry (a "reconnect now" in the window).
    void retryNow();

    const KubeResource& resource() const { return m_resource; }
    QString ns() const { return m_ns; }
    QString origin() const { return m_origin; }
    State state() const { return m_state; }
    QString stateMessage() const { return m_stateMessage; }
    // The failure behind Reconnecting, Forbidden, NotInstalled and Failed, and when the next attempt starts.
    KubeError lastError() const { return m_lastError; }
    QDateTime nextRetry() const { return m_nextRetry; }
    // The wait chosen after the last failure.
    std::chrono::milliseconds retryDelay() const { return m_retryDelay; }
    bool hasSynced() const { return m_lists > 0; }
    int listCount() const { return m_lists; } // completed lists
    int relistCount() const { return m_relists; } // lists started because of a 410
    QString resourceVersion() const { return m_resourceVersion; }
    int watchCount() const { return m_watches; } // watch requests started
    qsizetype size() const { return m_cache.size(); }
    QList<KnativeObjectPtr> objects() const { return m_cache.values(); }
    // "triggers.eventing.knative.dev in namespace "a"", "... in all namespaces".
    QString describe() const;

    static QString stateName(State state);

Q_SIGNALS:
    void changes(const ObjectChangeBatch& batch);
    // Also for every failure, each of which sets a new nextRetry().
    void stateChanged(KubeInformer::State state, const QString& message);
    // A list completed (the first one, and every relist).
    void listed();
    // A 410 made the informer list again; reason is the server's message.
    void relisting(const QString& reason);

private:
    void startList();
    void requestPage();
    void onPage(const KubeResponse& response);
    void startWatch();
    void onWatchLine(const QByteArray& line);
    void onWatchFinished(const KubeResponse& response);
    void relist(const QString& reason);
    void fail(const KubeError& error);
    void retry();
    void abortCall();
    void setState(State state, const QString& message, bool always = false);
    std::chrono::milliseconds nextDelay();
    // Adds apiVersion and kind where the API leaves them out (items of built-in lists) and drops managedFields.
    void normalize(QJsonObject& object) const;

    QPointer<KubeClient> m_client;
    KubeResource m_resource;
    QString m_ns;
    QString m_origin;
    Options m_options;

    bool m_running = false;
    bool m_needList = true;
    State m_state = State::Idle;
    QString m_stateMessage;
    KubeError m_lastError;
    QDateTime m_nextRetry;
    int m_lists = 0;
    int m_relists = 0;
    int m_watches = 0;

    // "namespace/name" -> the last state reported.
    QHash<QString, KnativeObjectPtr> m_cache;
    QSet<QString> m_seen; // keys of the list in progress
    QString m_continue;
    QString m_resourceVersion; // where the next watch starts

    QPointer<KubeCall> m_call;
    // Children, so that they follow the informer to another thread.
    QTimer m_retryTimer;
    QTimer m_watchdog; // a watch the server should have ended by now is dead
    QTimer m_settleTimer;
    std::chrono::steady_clock::time_point m_watchStarted;
    int m_watchEvents = 0;
    std::optional<std::chrono::steady_clock::time_point> m_lastFailure;
    std::chrono::milliseconds m_backoffStep { 0 };
    std::chrono::milliseconds m_retryDelay { 0 };
};
