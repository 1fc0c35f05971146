// SPDX-License-Identifier: Apache-2.0
#include "windowsettings.h"

#include <QEvent>
#include <QMainWindow>
#include <QSplitter>

using namespace Qt::StringLiterals;

namespace {
const QString layoutGroup = u"layout/v%1"_s.arg(WindowSettings::layoutVersion);

QList<QSplitter*> splittersOf(const QMainWindow* window) { return window->findChildren<QSplitter*>(); }

// A splitter is remembered by its object name, so that a page that gains or loses a splitter never hands its state
// (orientation included) to another one; unnamed ones by their place among the window's splitters.
QString splitterKey(const QSplitter* splitter, qsizetype index)
{
    return splitter->objectName().isEmpty() ? u"#"_s + QString::number(index) : splitter->objectName();
}

// A splitter that was never shown has no real size yet: sizes restored now would be squeezed into its default
// geometry and lose their proportions, and sizes saved from it would be that default. So the state is restored
// again the first time the splitter is shown, laid out, and a splitter never shown saves what it was given.
class SplitterMemory : public QObject {
public:
    SplitterMemory(QSplitter* splitter, const QByteArray& state)
        : QObject(splitter)
        , m_state(state)
        , m_shown(splitter->isVisible())
    {
        setObjectName(QStringLiteral("meshscope_splitterMemory"));
        if (!m_shown)
            splitter->installEventFilter(this);
    }

    static QByteArray stateOf(const QSplitter* splitter)
    {
        // No Q_OBJECT here: found by name, checked by type.
        const auto* memory = dynamic_cast<const SplitterMemory*>(
            splitter->findChild<QObject*>(QStringLiteral("meshscope_splitterMemory"), Qt::FindDirectChildrenOnly));
        return memory && !memory->m_shown ? memory->m_state : splitter->saveState();
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Show) {
            m_shown = true;
            if (!m_state.isEmpty())
                static_cast<QSplitter*>(watched)->restoreState(m_state);
            watched->removeEventFilter(this);
        }
        return false;
    }

private:
    QByteArray m_state;
    bool m_shown;
};
} // namespace

WindowSettings::WindowSettings()
    : m_settings(std::make_unique<QSettings>())
{
}

WindowSettings::WindowSettings(const QString& fileName)
    : m_settings(std::make_unique<QSettings>(fileName, QSettings::IniFormat))
{
}

WindowSettings::~WindowSettings() = default;

void WindowSettings::saveLayout(const QMainWindow* window)
{
    m_settings->beginGroup(layoutGroup);
    m_settings->setValue(u"geometry"_s, window->saveGeometry());
    m_settings->setValue(u"state"_s, window->saveState(layoutVersion));
    QVariantMap sizes;
    const auto splitters = splittersOf(window);
    for (qsizetype i = 0; i < splitters.size(); ++i)
        sizes.insert(splitterKey(splitters[i], i), SplitterMemory::stateOf(splitters[i]));
    m_settings->setValue(u"splitters"_s, sizes);
    m_settings->endGroup();
}

bool WindowSettings::restoreLayout(QMainWindow* window) const
{
    m_settings->beginGroup(layoutGroup);
    const auto geometry = m_settings->value(u"geometry"_s).toByteArray();
    const auto state = m_settings->value(u"state"_s).toByteArray();
    const auto sizes = m_settings->value(u"splitters"_s).toMap();
    m_settings->endGroup();
    const auto splitters = splittersOf(window);
    for (qsizetype i = 0; i < splitters.size(); ++i) {
        const QByteArray saved = sizes.value(splitterKey(splitters[i], i)).toByteArray();
        if (!saved.isEmpty())
            splitters[i]->restoreState(saved);
        new SplitterMemory(splitters[i], saved);
    }
    if (geometry.isEmpty() && state.isEmpty())
        return false;
    if (!geometry.isEmpty())
        window->restoreGeometry(geometry);
    if (!state.isEmpty())
        window->restoreState(state, layoutVersion);
    return true;
}

void WindowSettings::setCurrentPage(const QString& page) { m_settings->setValue(u"window/page"_s, page); }

QString WindowSettings::currentPage() const { return m_settings->value(u"window/page"_s).toString(); }

void WindowSettings::setChartRange(int range) { m_settings->setValue(u"charts/range"_s, range); }

int WindowSettings::chartRange(int fallback) const
{
    bool ok = false;
    const int range = m_settings->value(u"charts/range"_s).toInt(&ok);
    return ok ? range : fallback;
}

QList<WindowSettings::RecentCluster> WindowSettings::recentClusters() const
{
    QList<RecentCluster> result;
    const int count = m_settings->beginReadArray(u"recent/clusters"_s);
    for (int i = 0; i < count && result.size() < maxRecent; ++i) {
        m_settings->setArrayIndex(i);
        RecentCluster cluster { m_settings->value(u"context"_s).toString(),
            m_settings->value(u"namespaces"_s).toStringList() };
        if (!cluster.context.isEmpty())
            result.append(cluster);
    }
    m_settings->endArray();
    return result;
}

void WindowSettings::addRecentCluster(const RecentCluster& cluster)
{
    if (cluster.context.isEmpty())
        return;
    auto list = recentClusters();
    list.removeAll(cluster);
    list.prepend(cluster);
    while (list.size() > maxRecent)
        list.removeLast();
    m_settings->remove(u"recent/clusters"_s);
    m_settings->beginWriteArray(u"recent/clusters"_s, int(list.size()));
    for (int i = 0; i < int(list.size()); ++i) {
        m_settings->setArrayIndex(i);
        m_settings->setValue(u"context"_s, list[i].context);
        m_settings->setValue(u"namespaces"_s, list[i].namespaces);
    }
    m_settings->endArray();
}

QStringList WindowSettings::recentContexts() const
{
    QStringList result;
    for (const auto& cluster : recentClusters()) {
        if (!result.contains(cluster.context))
            result.append(cluster.context);
    }
    return result;
}

QStringList WindowSettings::recentManifestPaths() const
{
    return m_settings->value(u"recent/manifests"_s).toStringList().mid(0, maxRecent);
}

void WindowSettings::addRecentManifestPath(const QString& path)
{
    if (path.isEmpty())
        return;
    auto list = recentManifestPaths();
    list.removeAll(path);
    list.prepend(path);
    m_settings->setValue(u"recent/manifests"_s, list.mid(0, maxRecent));
}

void WindowSettings::clearRecent() { m_settings->remove(u"recent"_s); }
