// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "triggerdraft.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <functional>

class ObjectStore;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;
class QTableWidgetItem;
class QTextDocument;
class QTreeWidget;
class QTreeWidgetItem;

// The form view of a Trigger draft. The YAML text in the bound QTextDocument is the source of truth: the form
// re-reads it when it changes, and each form edit is applied to the document as the smallest text edit (one undo
// step per edit, or per run of typing in one field), so comments, ordering and unknown fields elsewhere are kept
// and the document's undo stack is the single history of all views.
class TriggerForm : public QWidget {
    Q_OBJECT
public:
    explicit TriggerForm(QWidget* parent = nullptr);

    void setDocument(QTextDocument* document);
    QTextDocument* document() const { return m_document; }
    // Brokers and addressable subscribers are offered from the store; may be null.
    void setStore(const ObjectStore* store);
    const TriggerDraft& draft() const { return m_draft; }

    // Edits as a user would make them in the form (used when a trigger is drawn on the graph). setBroker also
    // moves the trigger into the broker's namespace, since spec.broker names a broker of the trigger's namespace.
    void setBroker(const QString& ns, const QString& name);
    void setSubscriberRef(const ObjectKey& key, const QString& apiVersion);

    // What a known annotation does (the Kafka trigger's KEDA autoscaling ones), empty when unknown.
    static QString annotationHint(const QString& key);

Q_SIGNALS:
    void draftChanged(const TriggerDraft& draft);

private:
    using Step = std::function<QList<TextEdit>(const QString&)>;
    struct Addressable {
        ObjectKey key;
        QString apiVersion;
    };
    struct MapTable {
        QTableWidget* table = nullptr;
        QStringList path;
        QString newKey;
    };

    void buildUi();
    QWidget* mapTableEditor(MapTable& map, const QString& name, const QString& help);
    QWidget* filtersEditor();
    // Applies steps in sequence to the document as one undo step. Consecutive edits typed into the same
    // typingField join one step; pass null for discrete actions (buttons, lists, tables).
    void apply(QObject* typingField, const QList<Step>& steps);
    void setOrRemove(QObject* typingField, const QStringList& path, const QString& value);
    void refresh();
    void updateFields();
    void updateMapTable(const MapTable& map, const QList<DraftEntry>& entries);
    void updateReferenceCombo(QComboBox* combo, const KReference& ref);
    void updateFiltersTree();
    void updateDurationHint(QLineEdit* edit, QLabel* hint);
    void fillStoreCombos();

    void mapItemChanged(const MapTable& map, QTableWidgetItem* item);
    void addMapRow(const MapTable& map, const QString& key = {}, const QString& value = {});
    void removeMapRow(const MapTable& map);

    void subscriberModeChanged();
    void deadLetterModeChanged();
    QList<Step> destinationRefSteps(const QStringList& path, int addressableIndex) const;

    QList<SubscriptionsApiFilter> treeFilters() const;
    void writeFilters();
    void addFilter(bool asChild);
    void addFilterAttribute();
    void removeFilterItem();
    void dialectChanged();
    void currentFilterItemChanged();

    QPointer<QTextDocument> m_document;
    const ObjectStore* m_store = nullptr;
    TriggerDraft m_draft;
    QTimer m_refreshTimer;
    bool m_updating = false;
    bool m_applying = false;
    bool m_joinable = false;
    QObject* m_lastField = nullptr;
    QList<Addressable> m_addressables;

    QLabel* m_errorBanner = nullptr;
    QWidget* m_fields = nullptr;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_namespace = nullptr;
    QComboBox* m_broker = nullptr;
    QComboBox* m_subscriberMode = nullptr;
    QComboBox* m_subscriberRef = nullptr;
    QLineEdit* m_subscriberUri = nullptr;
    MapTable m_attributes;
    QTreeWidget* m_filters = nullptr;
    QComboBox* m_dialect = nullptr;
    QSpinBox* m_retry = nullptr;
    QComboBox* m_backoffPolicy = nullptr;
    QLineEdit* m_backoffDelay = nullptr;
    QLabel* m_backoffDelayHint = nullptr;
    QLineEdit* m_timeout = nullptr;
    QLabel* m_timeoutHint = nullptr;
    QComboBox* m_deadLetterMode = nullptr;
    QComboBox* m_deadLetterRef = nullptr;
    QLineEdit* m_deadLetterUri = nullptr;
    MapTable m_labels;
    MapTable m_annotations;
};
