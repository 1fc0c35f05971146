// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QMenu;
class QToolButton;
class QTreeWidget;

// The sync state of one resource kind, as the bar lists it.
struct KindStateRow {
    enum class Level { Ok, Busy, Warning, Error };
    QString kind; // "triggers.eventing.knative.dev" or a namespace-qualified variant
    QString state; // "synced", "listing", "reconnecting", "forbidden" ...
    QString message;
    Level level = Level::Ok;
};

// The cluster toolbar: which kubeconfig context, which namespaces (one, several, or all), and how each watched
// kind is doing. It only shows and asks; the window acts on its signals.
class ClusterBar : public QWidget {
    Q_OBJECT
public:
    explicit ClusterBar(QWidget* parent = nullptr);

    void setContexts(const QStringList& names, const QString& current);
    // selected empty = all namespaces.
    void setNamespaces(const QStringList& available, const QStringList& selected);
    void setKindStates(const QList<KindStateRow>& rows);
    void setSummary(const QString& text, KindStateRow::Level level);

    QString currentContext() const;
    QStringList selectedNamespaces() const { return m_selected; }
    QString summaryText() const;
    QComboBox* contextBox() const { return m_contexts; }
    QToolButton* namespaceButton() const { return m_namespaceButton; }
    QTreeWidget* stateList() const { return m_states; }

Q_SIGNALS:
    void contextRequested(const QString& name);
    void namespacesRequested(const QStringList& namespaces);

private:
    void rebuildNamespaceMenu();
    void updateNamespaceButton();
    void chooseOtherNamespace();

    QComboBox* m_contexts;
    QToolButton* m_namespaceButton;
    QMenu* m_namespaceMenu;
    QToolButton* m_stateButton;
    QWidget* m_statePopup;
    QTreeWidget* m_states;
    QStringList m_available;
    QStringList m_selected;
    bool m_updating = false;
};
