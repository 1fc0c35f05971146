// SPDX-License-Identifier: Apache-2.0
#include "triggerform.h"

#include "draftvalidator.h"
#include "objectstore.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QScrollArea>
#include <QSpinBox>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

using Dialect = SubscriptionsApiFilter::Dialect;

constexpr int keyRole = Qt::UserRole + 1; // a map row's key as the YAML has it
constexpr int nodeRole = Qt::UserRole + 2; // filter tree: the dialect of a filter node, -1 for an attribute row
constexpr int addressableRole = Qt::UserRole + 3; // index into m_addressables, -1 for a reference not in the store

struct DialectName {
    Dialect dialect;
    QString name;
    QString help;
};

const QList<DialectName>& dialects()
{
    static const QList<DialectName> list {
        { Dialect::Exact, u"exact"_s, QObject::tr("every listed attribute equals its value") },
        { Dialect::Prefix, u"prefix"_s, QObject::tr("every listed attribute starts with its value") },
        { Dialect::Suffix, u"suffix"_s, QObject::tr("every listed attribute ends with its value") },
        { Dialect::All, u"all"_s, QObject::tr("every nested filter matches") },
        { Dialect::Any, u"any"_s, QObject::tr("at least one nested filter matches") },
        { Dialect::Not, u"not"_s, QObject::tr("the nested filter does not match") },
        { Dialect::Cesql, u"cesql"_s, QObject::tr("a CloudEvents SQL expression is true") },
    };
    return list;
}

QString dialectName(Dialect dialect)
{
    for (const auto& d : dialects()) {
        if (d.dialect == dialect)
            return d.name;
    }
    return QObject::tr("(no dialect)");
}

bool isAttributeDialect(Dialect d) { return d == Dialect::Exact || d == Dialect::Prefix || d == Dialect::Suffix; }
bool isNestingDialect(Dialect d) { return d == Dialect::All || d == Dialect::Any || d == Dialect::Not; }

struct AnnotationHint {
    QString key;
    QString defaultValue;
    QString meaning;
};

// From eventing-kafka-broker's KEDA autoscaler (control-plane/pkg/autoscaler) and Knative's "Configure KEDA
// Autoscaling of Knative Kafka Resources": these are copied from the Trigger to its consumer group.
const QList<AnnotationHint>& annotationHints()
{
    static const QList<AnnotationHint> list {
        { u"autoscaling.eventing.knative.dev/class"_s, u"keda.autoscaling.knative.dev"_s,
            QObject::tr("Autoscaler of the Kafka trigger's consumers: \"keda.autoscaling.knative.dev\" scales them "
                        "with KEDA, \"disabled\" opts this trigger out. Needs controller-autoscaler-keda: enabled "
                        "in config-kafka-features and KEDA installed.") },
        { u"autoscaling.eventing.knative.dev/min-scale"_s, u"0"_s,
            QObject::tr("Minimum number of consumer replicas KEDA scales down to (default 0).") },
        { u"autoscaling.eventing.knative.dev/max-scale"_s, u"50"_s,
            QObject::tr("Maximum number of consumer replicas KEDA scales up to (default 50).") },
        { u"autoscaling.eventing.knative.dev/polling-interval"_s, u"10"_s,
            QObject::tr("Seconds between KEDA's checks of the consumer group lag (default 10).") },
        { u"autoscaling.eventing.knative.dev/cooldown-period"_s, u"30"_s,
            QObject::tr("Seconds KEDA waits after the last active check before scaling back to the minimum "
                        "(default 30).") },
        { u"autoscaling.eventing.knative.dev/lag-threshold"_s, u"100"_s,
            QObject::tr("Consumer group lag per replica that makes KEDA add a replica (default 100).") },
        { u"autoscaling.eventing.knative.dev/activation-lag-threshold"_s, u"0"_s,
            QObject::tr("Lag above which KEDA activates the consumers from zero replicas.") },
        { u"keda.autoscaling.knative.dev/kafkaLagThreshold"_s, u"10"_s,
            QObject::tr("Legacy KafkaSource key for the lag threshold; not copied to a trigger's consumer group: "
                        "use autoscaling.eventing.knative.dev/lag-threshold.") },
        { u"keda.autoscaling.knative.dev/pollingInterval"_s, u"30"_s,
            QObject::tr("Legacy KafkaSource key for the polling interval; not copied to a trigger's consumer "
                        "group: use autoscaling.eventing.knative.dev/polling-interval.") },
        { u"keda.autoscaling.knative.dev/cooldownPeriod"_s, u"30"_s,
            QObject::tr("Legacy KafkaSource key for the cooldown period; not copied to a trigger's consumer group: "
                        "use autoscaling.eventing.knative.dev/cooldown-period.") },
        { u"kafka.eventing.knative.dev/delivery.order"_s, u"ordered"_s,
            QObject::tr("Kafka broker delivery order: \"unordered\" (default) or \"ordered\" (one event at a time "
                        "per partition).") },
    };
    return list;
}

QString defaultApiVersion(ObjectKind kind)
{
    switch (kind) {
    case ObjectKind::KnativeService:
        return u"serving.knative.dev/v1"_s;
    case ObjectKind::Service:
        return u"v1"_s;
    case ObjectKind::Broker:
        return u"eventing.knative.dev/v1"_s;
    case ObjectKind::Channel:
    case ObjectKind::InMemoryChannel:
        return u"messaging.knative.dev/v1"_s;
    case ObjectKind::KafkaChannel:
        return u"messaging.knative.dev/v1beta1"_s;
    case ObjectKind::Sequence:
    case ObjectKind::Parallel:
        return u"flows.knative.dev/v1"_s;
    default:
        return QString();
    }
}

// Only the value columns of the filters tree are edited in place; dialects come from the combo box.
class FilterItemDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        if (index.column() == 0)
            return nullptr;
        return QStyledItemDelegate::createEditor(parent, option, index);
    }
};

// Sets a line edit's text without moving its caret further than the text allows.
void setTextKeepingCaret(QLineEdit* edit, const QString& text)
{
    if (edit->text() == text)
        return;
    const auto caret = edit->cursorPosition();
    edit->setText(text);
    edit->setCursorPosition(std::min<int>(caret, static_cast<int>(text.size())));
}

} // namespace

TriggerForm::TriggerForm(QWidget* parent)
    : QWidget(parent)
{
    m_refreshTimer.setSingleShot(true);
    m_refreshTimer.setInterval(150);
    connect(&m_refreshTimer, &QTimer::timeout, this, &TriggerForm::refresh);
    m_attributes.path = { u"spec"_s, u"filter"_s, u"attributes"_s };
    m_attributes.newKey = u"type"_s;
    m_labels.path = { u"metadata"_s, u"labels"_s };
    m_labels.newKey = u"label"_s;
    m_annotations.path = { u"metadata"_s, u"annotations"_s };
    m_annotations.newKey = u"annotation"_s;
    buildUi();
    updateFields();
}

void TriggerForm::buildUi()
{
    auto* content = new QWidget;
    auto* layout = new QVBoxLayout(content);
    m_errorBanner = new QLabel;
    m_errorBanner->setWordWrap(true);
    m_errorBanner->setTextFormat(Qt::PlainText);
    m_errorBanner->setStyleSheet(u"QLabel { background: #fde2e1; color: #8a1c14; padding: 4px; }"_s);
    m_errorBanner->hide();
    layout->addWidget(m_errorBanner);

    m_fields = new QWidget;
    auto* fieldsLayout = new QVBoxLayout(m_fields);
    fieldsLayout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_fields);

    // Identity and routing.
    auto* general = new QGroupBox(tr("Trigger"));
    auto* form = new QFormLayout(general);
    m_name = new QLineEdit;
    m_name->setToolTip(tr("metadata.name: lower-case letters, digits, '-' and '.'"));
    form->addRow(tr("&Name:"), m_name);
    m_namespace = new QLineEdit;
    m_namespace->setToolTip(tr("metadata.namespace: the trigger must be in its broker's namespace"));
    form->addRow(tr("Names&pace:"), m_namespace);
    m_broker = new QComboBox;
    m_broker->setEditable(true);
    m_broker->setInsertPolicy(QComboBox::NoInsert);
    m_broker->setToolTip(tr("spec.broker: the broker whose events this trigger filters (immutable once applied)"));
    form->addRow(tr("&Broker:"), m_broker);

    m_subscriberMode = new QComboBox;
    m_subscriberMode->addItems({ tr("Reference"), tr("URI") });
    m_subscriberMode->setToolTip(tr("spec.subscriber: an addressable object of the topology, or a URI"));
    m_subscriberRef = new QComboBox;
    m_subscriberRef->setToolTip(tr("spec.subscriber.ref: the addressable object that receives the events"));
    m_subscriberRef->setAccessibleName(tr("Subscriber reference"));
    m_subscriberUri = new QLineEdit;
    m_subscriberUri->setPlaceholderText(u"http://"_s);
    m_subscriberUri->setToolTip(tr("spec.subscriber.uri: an absolute URL that receives the events"));
    m_subscriberUri->setAccessibleName(tr("Subscriber URI"));
    auto* subscriber = new QHBoxLayout;
    subscriber->addWidget(m_subscriberMode);
    subscriber->addWidget(m_subscriberRef, 1);
    subscriber->addWidget(m_subscriberUri, 1);
    auto* subscriberLabel = new QLabel(tr("&Subscriber:"));
    subscriberLabel->setBuddy(m_subscriberMode);
    form->addRow(subscriberLabel, subscriber);
    fieldsLayout->addWidget(general);

    auto* filterBox = new QGroupBox(tr("Filter attributes (spec.filter.attributes)"));
    auto* filterLayout = new QVBoxLayout(filterBox);
    filterLayout->addWidget(mapTableEditor(m_attributes, tr("Filter attributes"),
        tr("Exact match on CloudEvents attributes and extensions; an empty value means \"present, any value\"")));
    fieldsLayout->addWidget(filterBox);

    auto* filtersBox = new QGroupBox(tr("Filters (spec.filters)"));
    auto* filtersLayout = new QVBoxLayout(filtersBox);
    filtersLayout->addWidget(filtersEditor());
    fieldsLayout->addWidget(filtersBox);

    auto* deliveryBox = new QGroupBox(tr("Delivery (spec.delivery)"));
    auto* delivery = new QFormLayout(deliveryBox);
    m_retry = new QSpinBox;
    m_retry->setRange(-1, 1000);
    m_retry->setSpecialValueText(tr("not set"));
    m_retry->setValue(-1);
    m_retry->setToolTip(tr("delivery.retry: minimum number of retries before the event goes to the dead letter sink"));
    delivery->addRow(tr("&Retry:"), m_retry);
    m_backoffPolicy = new QComboBox;
    m_backoffPolicy->addItems({ QString(), u"linear"_s, u"exponential"_s });
    m_backoffPolicy->setToolTip(tr("delivery.backoffPolicy: linear waits backoffDelay × retry number, exponential "
                                   "backoffDelay × 2^retry number"));
    delivery->addRow(tr("Backoff &policy:"), m_backoffPolicy);
    auto durationRow = [&](QLineEdit*& edit, QLabel*& hint, const QString& label, const QString& help) {
        edit = new QLineEdit;
        edit->setPlaceholderText(u"PT0.2S"_s);
        edit->setToolTip(help);
        hint = new QLabel;
        hint->setTextFormat(Qt::PlainText);
        auto* row = new QHBoxLayout;
        row->addWidget(edit, 1);
        row->addWidget(hint);
        delivery->addRow(label, row);
        if (auto* rowLabel = qobject_cast<QLabel*>(delivery->labelForField(row)))
            rowLabel->setBuddy(edit);
    };
    durationRow(m_backoffDelay, m_backoffDelayHint, tr("Backoff &delay:"),
        tr("delivery.backoffDelay: ISO 8601 duration, e.g. PT0.2S or PT1M"));
    durationRow(m_timeout, m_timeoutHint, tr("&Timeout:"),
        tr("delivery.timeout: ISO 8601 duration of one delivery attempt (feature delivery-timeout)"));
    m_deadLetterMode = new QComboBox;
    m_deadLetterMode->addItems({ tr("None"), tr("Reference"), tr("URI") });
    m_deadLetterMode->setToolTip(tr("delivery.deadLetterSink: where events go once the retries are exhausted"));
    m_deadLetterRef = new QComboBox;
    m_deadLetterRef->setAccessibleName(tr("Dead letter sink reference"));
    m_deadLetterRef->setToolTip(tr("delivery.deadLetterSink.ref"));
    m_deadLetterUri = new QLineEdit;
    m_deadLetterUri->setAccessibleName(tr("Dead letter sink URI"));
    m_deadLetterUri->setToolTip(tr("delivery.deadLetterSink.uri"));
    auto* deadLetter = new QHBoxLayout;
    deadLetter->addWidget(m_deadLetterMode);
    deadLetter->addWidget(m_deadLetterRef, 1);
    deadLetter->addWidget(m_deadLetterUri, 1);
    auto* deadLetterLabel = new QLabel(tr("Dead &letter sink:"));
    deadLetterLabel->setBuddy(m_deadLetterMode);
    delivery->addRow(deadLetterLabel, deadLetter);
    fieldsLayout->addWidget(deliveryBox);

    auto* labelsBox = new QGroupBox(tr("Labels"));
    auto* labelsLayout = new QVBoxLayout(labelsBox);
    labelsLayout->addWidget(mapTableEditor(m_labels, tr("Labels"), tr("metadata.labels")));
    fieldsLayout->addWidget(labelsBox);

    auto* annotationsBox = new QGroupBox(tr("Annotations"));
    auto* annotationsLayout = new QVBoxLayout(annotationsBox);
    annotationsLayout->addWidget(mapTableEditor(m_annotations, tr("Annotations"),
        tr("metadata.annotations; hover a known key (KEDA autoscaling of Kafka triggers) for its meaning")));
    auto* keda = new QToolButton;
    keda->setText(tr("Add &KEDA annotation"));
    keda->setToolTip(tr("Autoscaling of the Kafka broker's trigger consumers with KEDA"));
    keda->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(keda);
    for (const auto& hint : annotationHints()) {
        auto* action = menu->addAction(hint.key);
        action->setToolTip(hint.meaning);
        connect(
            action, &QAction::triggered, this, [this, hint] { addMapRow(m_annotations, hint.key, hint.defaultValue); });
    }
    menu->setToolTipsVisible(true);
    keda->setMenu(menu);
    annotationsLayout->addWidget(keda, 0, Qt::AlignLeft);
    fieldsLayout->addWidget(annotationsBox);
    fieldsLayout->addStretch();

    m_name->setObjectName(u"name"_s);
    m_namespace->setObjectName(u"namespace"_s);
    m_broker->setObjectName(u"broker"_s);
    m_subscriberMode->setObjectName(u"subscriberMode"_s);
    m_subscriberRef->setObjectName(u"subscriberRef"_s);
    m_subscriberUri->setObjectName(u"subscriberUri"_s);
    m_attributes.table->setObjectName(u"filterAttributes"_s);
    m_retry->setObjectName(u"retry"_s);
    m_backoffPolicy->setObjectName(u"backoffPolicy"_s);
    m_backoffDelay->setObjectName(u"backoffDelay"_s);
    m_backoffDelayHint->setObjectName(u"backoffDelayHint"_s);
    m_timeout->setObjectName(u"timeout"_s);
    m_deadLetterMode->setObjectName(u"deadLetterMode"_s);
    m_deadLetterRef->setObjectName(u"deadLetterRef"_s);
    m_deadLetterUri->setObjectName(u"deadLetterUri"_s);
    m_labels.table->setObjectName(u"labels"_s);
    m_annotations.table->setObjectName(u"annotations"_s);
    keda->setObjectName(u"kedaAnnotations"_s);
    m_errorBanner->setObjectName(u"errorBanner"_s);

    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setWidget(content);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    connect(m_name, &QLineEdit::textEdited, this, [this](const QString& text) {
        setOrRemove(m_name, { u"metadata"_s, u"name"_s }, text);
    });
    connect(m_namespace, &QLineEdit::textEdited, this, [this](const QString& text) {
        setOrRemove(m_namespace, { u"metadata"_s, u"namespace"_s }, text);
    });
    connect(m_broker->lineEdit(), &QLineEdit::textEdited, this, [this](const QString& text) {
        setOrRemove(m_broker, { u"spec"_s, u"broker"_s }, text);
    });
    connect(m_broker, &QComboBox::activated, this, [this](int index) {
        if (!m_updating && index >= 0)
            setBroker(m_broker->itemData(index).toString(), m_broker->itemText(index));
    });
    connect(m_subscriberMode, &QComboBox::activated, this, &TriggerForm::subscriberModeChanged);
    connect(m_subscriberRef, &QComboBox::activated, this, [this](int index) {
        if (!m_updating)
            apply(nullptr,
                destinationRefSteps(
                    { u"spec"_s, u"subscriber"_s }, m_subscriberRef->itemData(index, addressableRole).toInt()));
    });
    connect(m_subscriberUri, &QLineEdit::textEdited, this, [this](const QString& text) {
        apply(m_subscriberUri,
            { [text](const QString& t) {
                 return TriggerYaml::setScalar(t, { u"spec"_s, u"subscriber"_s, u"uri"_s }, text);
             },
                [](const QString& t) {
                    return TriggerYaml::removeKey(t, { u"spec"_s, u"subscriber"_s, u"ref"_s });
                } });
    });
    connect(m_retry, &QSpinBox::valueChanged, this, [this](int value) {
        if (m_updating)
            return;
        const QStringList path { u"spec"_s, u"delivery"_s, u"retry"_s };
        apply(m_retry, { [path, value](const QString& t) {
            return value < 0 ? TriggerYaml::removeKey(t, path) : TriggerYaml::setNumber(t, path, value);
        } });
    });
    connect(m_backoffPolicy, &QComboBox::activated, this, [this](int index) {
        setOrRemove(
            m_backoffPolicy, { u"spec"_s, u"delivery"_s, u"backoffPolicy"_s }, m_backoffPolicy->itemText(index));
    });
    connect(m_backoffDelay, &QLineEdit::textEdited, this, [this](const QString& text) {
        updateDurationHint(m_backoffDelay, m_backoffDelayHint);
        setOrRemove(m_backoffDelay, { u"spec"_s, u"delivery"_s, u"backoffDelay"_s }, text);
    });
    connect(m_timeout, &QLineEdit::textEdited, this, [this](const QString& text) {
        updateDurationHint(m_timeout, m_timeoutHint);
        setOrRemove(m_timeout, { u"spec"_s, u"delivery"_s, u"timeout"_s }, text);
    });
    connect(m_deadLetterMode, &QComboBox::activated, this, &TriggerForm::deadLetterModeChanged);
    connect(m_deadLetterRef, &QComboBox::activated, this, [this](int index) {
        if (!m_updating)
            apply(nullptr,
                destinationRefSteps({ u"spec"_s, u"delivery"_s, u"deadLetterSink"_s },
                    m_deadLetterRef->itemData(index, addressableRole).toInt()));
    });
    connect(m_deadLetterUri, &QLineEdit::textEdited, this, [this](const QString& text) {
        const QStringList sink { u"spec"_s, u"delivery"_s, u"deadLetterSink"_s };
        apply(m_deadLetterUri,
            { [sink, text](
                  const QString& t) { return TriggerYaml::setScalar(t, sink + QStringList { u"uri"_s }, text); },
                [sink](const QString& t) { return TriggerYaml::removeKey(t, sink + QStringList { u"ref"_s }); } });
    });
}

QWidget* TriggerForm::mapTableEditor(MapTable& map, const QString& name, const QString& help)
{
    auto* widget = new QWidget;
    auto* layout = new QVBoxLayout(widget);
    layout->setContentsMargins(0, 0, 0, 0);
    map.table = new QTableWidget(0, 2);
    map.table->setHorizontalHeaderLabels({ tr("Key"), tr("Value") });
    map.table->horizontalHeader()->setStretchLastSection(true);
    map.table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    map.table->verticalHeader()->hide();
    map.table->setSelectionBehavior(QAbstractItemView::SelectRows);
    map.table->setSelectionMode(QAbstractItemView::SingleSelection);
    map.table->setTabKeyNavigation(false);
    map.table->setAccessibleName(name);
    map.table->setToolTip(help);
    map.table->setMinimumHeight(90);
    layout->addWidget(map.table);
    auto* add = new QPushButton(tr("Add"));
    add->setToolTip(tr("Add a row to %1").arg(name));
    add->setAccessibleName(tr("Add to %1").arg(name));
    auto* remove = new QPushButton(tr("Remove"));
    remove->setToolTip(tr("Remove the selected row of %1").arg(name));
    remove->setAccessibleName(tr("Remove from %1").arg(name));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    layout->addLayout(buttons);
    // Object names for tests and accessibility tools; the table's own name is set by the caller.
    connect(map.table, &QObject::objectNameChanged, this, [add, remove](const QString& tableName) {
        add->setObjectName(tableName + u"Add"_s);
        remove->setObjectName(tableName + u"Remove"_s);
    });
    const MapTable* target = &map;
    connect(map.table, &QTableWidget::itemChanged, this, [this, target](QTableWidgetItem* item) {
        if (!m_updating)
            mapItemChanged(*target, item);
    });
    connect(add, &QPushButton::clicked, this, [this, target] { addMapRow(*target); });
    connect(remove, &QPushButton::clicked, this, [this, target] { removeMapRow(*target); });
    return widget;
}

QWidget* TriggerForm::filtersEditor()
{
    auto* widget = new QWidget;
    auto* layout = new QVBoxLayout(widget);
    layout->setContentsMargins(0, 0, 0, 0);
    m_filters = new QTreeWidget;
    m_filters->setColumnCount(3);
    m_filters->setHeaderLabels({ tr("Dialect"), tr("Attribute / expression"), tr("Value") });
    m_filters->setItemDelegate(new FilterItemDelegate(m_filters));
    m_filters->setEditTriggers(
        QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed | QAbstractItemView::AnyKeyPressed);
    m_filters->setAccessibleName(tr("Filters"));
    m_filters->setToolTip(tr("spec.filters: all top-level filters must match; when set they override "
                             "spec.filter. Edit attributes, values and expressions in place (F2)."));
    m_filters->setMinimumHeight(120);
    m_filters->setObjectName(u"filters"_s);
    layout->addWidget(m_filters);

    m_dialect = new QComboBox;
    for (const auto& d : dialects())
        m_dialect->addItem(d.name, static_cast<int>(d.dialect));
    for (int i = 0; i < m_dialect->count(); ++i)
        m_dialect->setItemData(i, dialects().at(i).help, Qt::ToolTipRole);
    m_dialect->setAccessibleName(tr("Dialect of the selected filter"));
    m_dialect->setToolTip(tr("The dialect of the selected filter"));
    m_dialect->setEnabled(false);
    m_dialect->setObjectName(u"dialect"_s);
    auto* addFilter = new QPushButton(tr("Add filter"));
    addFilter->setToolTip(tr("Add a top-level filter"));
    addFilter->setObjectName(u"addFilter"_s);
    auto* addChild = new QPushButton(tr("Add nested filter"));
    addChild->setObjectName(u"addNestedFilter"_s);
    addChild->setToolTip(tr("Add a filter inside the selected all, any or not filter"));
    auto* addAttribute = new QPushButton(tr("Add attribute"));
    addAttribute->setObjectName(u"addFilterAttribute"_s);
    addAttribute->setToolTip(tr("Add an attribute to the selected exact, prefix or suffix filter"));
    auto* remove = new QPushButton(tr("Remove"));
    remove->setToolTip(tr("Remove the selected filter or attribute"));
    remove->setAccessibleName(tr("Remove filter"));
    remove->setObjectName(u"removeFilter"_s);
    auto* buttons = new QHBoxLayout;
    auto* dialectLabel = new QLabel(tr("Dialect:"));
    dialectLabel->setBuddy(m_dialect);
    buttons->addWidget(dialectLabel);
    buttons->addWidget(m_dialect);
    buttons->addWidget(addFilter);
    buttons->addWidget(addChild);
    buttons->addWidget(addAttribute);
    buttons->addWidget(remove);
    buttons->addStretch();
    layout->addLayout(buttons);

    connect(m_filters, &QTreeWidget::itemChanged, this, [this] {
        if (!m_updating)
            writeFilters();
    });
    connect(m_filters, &QTreeWidget::currentItemChanged, this, &TriggerForm::currentFilterItemChanged);
    connect(m_dialect, &QComboBox::activated, this, &TriggerForm::dialectChanged);
    connect(addFilter, &QPushButton::clicked, this, [this] { this->addFilter(false); });
    connect(addChild, &QPushButton::clicked, this, [this] { this->addFilter(true); });
    connect(addAttribute, &QPushButton::clicked, this, &TriggerForm::addFilterAttribute);
    connect(remove, &QPushButton::clicked, this, &TriggerForm::removeFilterItem);
    return widget;
}

void TriggerForm::setDocument(QTextDocument* document)
{
    if (m_document)
        disconnect(m_document, nullptr, this, nullptr);
    m_document = document;
    m_joinable = false;
    if (m_document) {
        connect(m_document, &QTextDocument::contentsChanged, this, [this] {
            if (!m_applying)
                m_joinable = false;
            m_refreshTimer.start();
        });
    }
    refresh();
}

void TriggerForm::setStore(const ObjectStore* store)
{
    if (m_store)
        disconnect(m_store, nullptr, this, nullptr);
    m_store = store;
    if (m_store)
        connect(m_store, &ObjectStore::changed, this, &TriggerForm::fillStoreCombos);
    fillStoreCombos();
}

void TriggerForm::setBroker(const QString& ns, const QString& name)
{
    QList<Step> steps { [name](const QString& t) {
        return TriggerYaml::setScalar(t, { u"spec"_s, u"broker"_s }, name);
    } };
    if (!ns.isEmpty()) {
        steps.append([ns](const QString& t) {
            return TriggerYaml::setScalar(t, { u"metadata"_s, u"namespace"_s }, ns);
        });
    }
    apply(nullptr, steps);
}

void TriggerForm::setSubscriberRef(const ObjectKey& key, const QString& apiVersion)
{
    const KReference ref { apiVersion, key.kind, key.name, key.ns == m_draft.ns ? QString() : key.ns };
    apply(nullptr,
        { [ref](const QString& t) {
             return TriggerYaml::setValue(
                 t, { u"spec"_s, u"subscriber"_s, u"ref"_s }, TriggerYaml::referenceToJson(ref));
         },
            [](const QString& t) {
                return TriggerYaml::removeKey(t, { u"spec"_s, u"subscriber"_s, u"uri"_s });
            } });
}

QString TriggerForm::annotationHint(const QString& key)
{
    for (const auto& hint : annotationHints()) {
        if (hint.key == key)
            return hint.meaning;
    }
    return QString();
}

void TriggerForm::apply(QObject* typingField, const QList<Step>& steps)
{
    if (!m_document || m_updating || !m_draft.valid)
        return;
    auto text = m_document->toPlainText();
    QTextCursor cursor(m_document);
    bool started = false;
    m_applying = true;
    for (const auto& step : steps) {
        const auto edits = step(text);
        if (edits.isEmpty())
            continue;
        if (!started) {
            // A run of typing in one typingField is one undo step, as typing in the text editor is.
            if (m_joinable && typingField && typingField == m_lastField)
                cursor.joinPreviousEditBlock();
            else
                cursor.beginEditBlock();
            started = true;
        }
        for (auto it = edits.crbegin(); it != edits.crend(); ++it) {
            cursor.setPosition(it->start);
            cursor.setPosition(it->start + it->length, QTextCursor::KeepAnchor);
            cursor.insertText(it->replacement);
        }
        text = TriggerYaml::applyEdits(text, edits);
    }
    if (started)
        cursor.endEditBlock();
    m_applying = false;
    if (started) {
        m_lastField = typingField;
        m_joinable = true;
        refresh();
    }
}

void TriggerForm::setOrRemove(QObject* typingField, const QStringList& path, const QString& value)
{
    if (m_updating)
        return;
    apply(typingField, { [path, value](const QString& t) {
        return value.isEmpty() ? TriggerYaml::removeKey(t, path) : TriggerYaml::setScalar(t, path, value);
    } });
}

void TriggerForm::refresh()
{
    m_refreshTimer.stop();
    const auto next = TriggerDraft::parse(m_document ? m_document->toPlainText() : QString());
    const bool changed = next.valid != m_draft.valid || next.json != m_draft.json || next.error != m_draft.error;
    if (next.valid || !m_draft.valid)
        m_draft = next;
    else
        m_draft.valid = false; // keep showing the last valid fields, read-only
    if (!next.valid && m_document) {
        m_errorBanner->setText(next.errorLine > 0
                ? tr("Line %1: %2. The form shows the last valid state until the YAML is fixed.")
                      .arg(next.errorLine)
                      .arg(next.error)
                : tr("%1. The form shows the last valid state until the YAML is fixed.").arg(next.error));
    }
    m_errorBanner->setVisible(!next.valid && m_document);
    m_fields->setEnabled(next.valid);
    updateFields();
    if (changed)
        Q_EMIT draftChanged(m_draft);
}

void TriggerForm::updateFields()
{
    const QScopedValueRollback guard(m_updating, true);
    setTextKeepingCaret(m_name, m_draft.name);
    setTextKeepingCaret(m_namespace, m_draft.ns);
    setTextKeepingCaret(m_broker->lineEdit(), m_draft.broker);

    const auto specJson = m_draft.json.value("spec"_L1).toObject();
    const auto subscriberJson = specJson.value("subscriber"_L1).toObject();
    const bool uriMode = subscriberJson.contains("uri"_L1) && !subscriberJson.contains("ref"_L1);
    m_subscriberMode->setCurrentIndex(uriMode ? 1 : 0);
    m_subscriberRef->setVisible(!uriMode);
    updateReferenceCombo(m_subscriberRef, m_draft.subscriber.ref);
    setTextKeepingCaret(m_subscriberUri, m_draft.subscriber.uri);

    updateMapTable(m_attributes, m_draft.filterAttributes);
    updateFiltersTree();

    const auto& delivery = m_draft.delivery;
    if (m_retry->value() != delivery.retry.value_or(-1))
        m_retry->setValue(delivery.retry.value_or(-1));
    const auto policy = m_backoffPolicy->findText(delivery.backoffPolicy);
    if (policy < 0) {
        m_backoffPolicy->addItem(delivery.backoffPolicy);
        m_backoffPolicy->setCurrentIndex(m_backoffPolicy->count() - 1);
    } else {
        m_backoffPolicy->setCurrentIndex(policy);
    }
    setTextKeepingCaret(m_backoffDelay, delivery.backoffDelay);
    setTextKeepingCaret(m_timeout, delivery.timeout);
    updateDurationHint(m_backoffDelay, m_backoffDelayHint);
    updateDurationHint(m_timeout, m_timeoutHint);
    const auto& sink = delivery.deadLetterSink;
    const auto sinkJson = specJson.value("delivery"_L1).toObject().value("deadLetterSink"_L1).toObject();
    m_deadLetterMode->setCurrentIndex(sinkJson.contains("ref"_L1) ? 1 : sinkJson.contains("uri"_L1) ? 2 : 0);
    m_deadLetterRef->setVisible(m_deadLetterMode->currentIndex() == 1);
    m_deadLetterUri->setVisible(m_deadLetterMode->currentIndex() == 2);
    updateReferenceCombo(m_deadLetterRef, sink.ref);
    setTextKeepingCaret(m_deadLetterUri, sink.uri);

    updateMapTable(m_labels, m_draft.labels);
    updateMapTable(m_annotations, m_draft.annotations);
}

void TriggerForm::updateMapTable(const MapTable& map, const QList<DraftEntry>& entries)
{
    QList<DraftEntry> shown;
    for (int row = 0; row < map.table->rowCount(); ++row) {
        const auto* key = map.table->item(row, 0);
        const auto* value = map.table->item(row, 1);
        shown.append(DraftEntry { key ? key->data(keyRole).toString() : QString(), value ? value->text() : QString() });
    }
    if (shown == entries)
        return;
    const auto currentRow = map.table->currentRow();
    map.table->setRowCount(static_cast<int>(entries.size()));
    for (int row = 0; row < entries.size(); ++row) {
        const auto& entry = entries.at(row);
        auto* key = new QTableWidgetItem(entry.key);
        key->setData(keyRole, entry.key);
        auto* value = new QTableWidgetItem(entry.value);
        if (&map == &m_annotations) {
            const auto hint = annotationHint(entry.key);
            key->setToolTip(hint);
            value->setToolTip(hint);
        }
        map.table->setItem(row, 0, key);
        map.table->setItem(row, 1, value);
    }
    if (currentRow >= 0 && currentRow < map.table->rowCount())
        map.table->setCurrentCell(currentRow, map.table->currentColumn());
}

void TriggerForm::updateReferenceCombo(QComboBox* combo, const KReference& ref)
{
    // The reference not in the store stays as the first item, so that the combo shows what the YAML says.
    if (combo->count() > 0 && combo->itemData(0, addressableRole).toInt() < 0)
        combo->removeItem(0);
    if (ref.isEmpty()) {
        combo->setCurrentIndex(-1);
        return;
    }
    const auto key = ref.key(m_draft.ns);
    for (int i = 0; i < combo->count(); ++i) {
        const auto index = combo->itemData(i, addressableRole).toInt();
        if (index >= 0 && index < m_addressables.size() && m_addressables.at(index).key.kind == key.kind
            && m_addressables.at(index).key.name == key.name && m_addressables.at(index).key.ns == key.ns) {
            combo->setCurrentIndex(i);
            return;
        }
    }
    combo->insertItem(
        0, tr("%1 %2 (not in the topology)").arg(ref.kind, ref.ns.isEmpty() ? ref.name : ref.ns + u'/' + ref.name));
    combo->setItemData(0, -1, addressableRole);
    combo->setCurrentIndex(0);
}

void TriggerForm::updateDurationHint(QLineEdit* edit, QLabel* hint)
{
    const auto text = edit->text();
    const bool valid = text.isEmpty() || DraftValidator::isValidIso8601Duration(text);
    hint->setText(text.isEmpty() ? QString() : valid ? tr("✓ valid") : tr("✗ not an ISO 8601 duration"));
    hint->setStyleSheet(valid ? QString() : u"color: #b3261e;"_s);
    hint->setAccessibleName(hint->text());
}

void TriggerForm::fillStoreCombos()
{
    const QScopedValueRollback guard(m_updating, true);
    const auto brokerText = m_broker->currentText();
    m_broker->clear();
    m_addressables.clear();
    if (m_store) {
        auto brokers = m_store->objects(ObjectKind::Broker);
        std::sort(brokers.begin(), brokers.end(), [](const auto& a, const auto& b) { return a->key < b->key; });
        for (const auto& broker : brokers) {
            m_broker->addItem(broker->key.name, broker->key.ns);
            m_broker->setItemData(m_broker->count() - 1,
                tr("Broker %1 in namespace %2").arg(broker->key.name, broker->key.ns), Qt::ToolTipRole);
        }
        for (const auto& object : m_store->objects()) {
            if (defaultApiVersion(object->kind).isEmpty())
                continue;
            m_addressables.append(Addressable {
                object->key, object->apiVersion.isEmpty() ? defaultApiVersion(object->kind) : object->apiVersion });
        }
        std::sort(m_addressables.begin(), m_addressables.end(),
            [](const Addressable& a, const Addressable& b) { return a.key < b.key; });
    }
    m_broker->setCurrentIndex(-1);
    m_broker->lineEdit()->setText(brokerText);
    for (auto* combo : { m_subscriberRef, m_deadLetterRef }) {
        combo->clear();
        for (int i = 0; i < m_addressables.size(); ++i) {
            const auto& key = m_addressables.at(i).key;
            combo->addItem(QStringLiteral("%1 %2/%3").arg(key.kind, key.ns, key.name));
            combo->setItemData(i, i, addressableRole);
            combo->setItemData(i, m_addressables.at(i).apiVersion, Qt::ToolTipRole);
        }
    }
    updateReferenceCombo(m_subscriberRef, m_draft.subscriber.ref);
    updateReferenceCombo(m_deadLetterRef, m_draft.delivery.deadLetterSink.ref);
}

void TriggerForm::mapItemChanged(const MapTable& map, QTableWidgetItem* item)
{
    const auto row = item->row();
    auto* keyItem = map.table->item(row, 0);
    if (!keyItem)
        return;
    const auto oldKey = keyItem->data(keyRole).toString();
    if (item->column() == 0) {
        const auto newKey = item->text();
        const QScopedValueRollback guard(m_updating, true);
        if (newKey.isEmpty() || newKey == oldKey) {
            item->setText(oldKey);
            return;
        }
        // The key is updated first, so that the refresh after the edit finds the table in step.
        item->setData(keyRole, newKey);
        m_updating = false;
        apply(nullptr, { [path = map.path + QStringList { oldKey }, newKey](const QString& t) {
            return TriggerYaml::renameKey(t, path, newKey);
        } });
        m_updating = true;
        // A key that is already taken is not renamed: show the text's key again.
        const auto& entries = &map == &m_labels ? m_draft.labels
            : &map == &m_annotations            ? m_draft.annotations
                                                : m_draft.filterAttributes;
        // The refresh may have rebuilt the table: look the item up again.
        auto* current = map.table->item(row, 0);
        if (current && (row >= entries.size() || entries.at(row).key != newKey)) {
            current->setText(oldKey);
            current->setData(keyRole, oldKey);
        }
        return;
    }
    apply(nullptr, { [path = map.path + QStringList { oldKey }, value = item->text()](const QString& t) {
        return TriggerYaml::setScalar(t, path, value);
    } });
}

void TriggerForm::addMapRow(const MapTable& map, const QString& key, const QString& value)
{
    const auto& entries = &map == &m_labels ? m_draft.labels
        : &map == &m_annotations            ? m_draft.annotations
                                            : m_draft.filterAttributes;
    auto taken = [&](const QString& candidate) {
        return std::any_of(entries.cbegin(), entries.cend(), [&](const DraftEntry& e) { return e.key == candidate; });
    };
    auto newKey = key.isEmpty() ? map.newKey : key;
    if (!key.isEmpty() && taken(newKey)) {
        for (int row = 0; row < entries.size(); ++row) {
            if (entries.at(row).key == newKey)
                map.table->setCurrentCell(row, 1);
        }
        return;
    }
    for (int n = 2; taken(newKey); ++n)
        newKey = map.newKey + QString::number(n);
    apply(nullptr, { [path = map.path + QStringList { newKey }, value](const QString& t) {
        return TriggerYaml::setScalar(t, path, value);
    } });
    for (int row = 0; row < map.table->rowCount(); ++row) {
        if (map.table->item(row, 0) && map.table->item(row, 0)->data(keyRole).toString() == newKey) {
            map.table->setCurrentCell(row, key.isEmpty() ? 0 : 1);
            map.table->setFocus();
            break;
        }
    }
}

void TriggerForm::removeMapRow(const MapTable& map)
{
    const auto row = map.table->currentRow();
    if (row < 0 || !map.table->item(row, 0))
        return;
    apply(nullptr,
        { [path = map.path + QStringList { map.table->item(row, 0)->data(keyRole).toString() }](
              const QString& t) { return TriggerYaml::removeKey(t, path); } });
}

QList<TriggerForm::Step> TriggerForm::destinationRefSteps(const QStringList& path, int addressableIndex) const
{
    if (addressableIndex < 0 || addressableIndex >= m_addressables.size())
        return {};
    const auto& target = m_addressables.at(addressableIndex);
    const KReference ref { target.apiVersion, target.key.kind, target.key.name,
        target.key.ns == m_draft.ns ? QString() : target.key.ns };
    return { [path, ref](const QString& t) {
                return TriggerYaml::setValue(t, path + QStringList { u"ref"_s }, TriggerYaml::referenceToJson(ref));
            },
        [path](const QString& t) { return TriggerYaml::removeKey(t, path + QStringList { u"uri"_s }); } };
}

void TriggerForm::subscriberModeChanged()
{
    if (m_updating)
        return;
    const QStringList path { u"spec"_s, u"subscriber"_s };
    if (m_subscriberMode->currentIndex() == 1) {
        const auto uri = m_subscriberUri->text();
        apply(nullptr,
            { [path, uri](const QString& t) { return TriggerYaml::setScalar(t, path + QStringList { u"uri"_s }, uri); },
                [path](const QString& t) { return TriggerYaml::removeKey(t, path + QStringList { u"ref"_s }); } });
        m_subscriberRef->hide();
        m_subscriberUri->setFocus();
    } else {
        m_subscriberRef->show();
        const auto index = m_subscriberRef->currentIndex();
        if (index >= 0)
            apply(
                m_subscriberMode, destinationRefSteps(path, m_subscriberRef->itemData(index, addressableRole).toInt()));
        m_subscriberRef->setFocus();
    }
}

void TriggerForm::deadLetterModeChanged()
{
    if (m_updating)
        return;
    const QStringList path { u"spec"_s, u"delivery"_s, u"deadLetterSink"_s };
    switch (m_deadLetterMode->currentIndex()) {
    case 0:
        apply(nullptr, { [path](const QString& t) { return TriggerYaml::removeKey(t, path); } });
        break;
    case 1: {
        const auto index = m_deadLetterRef->currentIndex() >= 0 ? m_deadLetterRef->currentIndex() : 0;
        if (index < m_deadLetterRef->count())
            apply(
                m_deadLetterMode, destinationRefSteps(path, m_deadLetterRef->itemData(index, addressableRole).toInt()));
        break;
    }
    case 2: {
        const auto uri = m_deadLetterUri->text();
        apply(nullptr,
            { [path, uri](const QString& t) { return TriggerYaml::setScalar(t, path + QStringList { u"uri"_s }, uri); },
                [path](const QString& t) { return TriggerYaml::removeKey(t, path + QStringList { u"ref"_s }); } });
        break;
    }
    default:
        break;
    }
    m_deadLetterRef->setVisible(m_deadLetterMode->currentIndex() == 1);
    m_deadLetterUri->setVisible(m_deadLetterMode->currentIndex() == 2);
}

namespace {

QTreeWidgetItem* filterItem(const SubscriptionsApiFilter& filter)
{
    auto* item = new QTreeWidgetItem;
    item->setData(0, nodeRole, static_cast<int>(filter.dialect));
    item->setText(0, dialectName(filter.dialect));
    item->setFlags(item->flags() | Qt::ItemIsEditable);
    if (filter.dialect == Dialect::Cesql) {
        item->setText(1, filter.expression);
        item->setToolTip(1, QObject::tr("CloudEvents SQL expression"));
    }
    if (isAttributeDialect(filter.dialect)) {
        for (auto it = filter.attributes.begin(); it != filter.attributes.end(); ++it) {
            auto* attribute = new QTreeWidgetItem({ QString(), it.key(), it.value() });
            attribute->setData(0, nodeRole, -1);
            attribute->setFlags(attribute->flags() | Qt::ItemIsEditable);
            item->addChild(attribute);
        }
    }
    for (const auto& child : filter.children)
        item->addChild(filterItem(child));
    return item;
}

SubscriptionsApiFilter filterOf(const QTreeWidgetItem* item)
{
    SubscriptionsApiFilter filter;
    filter.dialect = static_cast<Dialect>(item->data(0, nodeRole).toInt());
    if (filter.dialect == Dialect::Cesql)
        filter.expression = item->text(1);
    for (int i = 0; i < item->childCount(); ++i) {
        const auto* child = item->child(i);
        if (child->data(0, nodeRole).toInt() < 0) {
            if (isAttributeDialect(filter.dialect) && !child->text(1).isEmpty())
                filter.attributes.insert(child->text(1), child->text(2));
        } else if (isNestingDialect(filter.dialect)) {
            filter.children.append(filterOf(child));
        }
    }
    if (filter.dialect == Dialect::Not && filter.children.size() > 1)
        filter.children.resize(1);
    return filter;
}

// The path of child indexes from the top, to find the same item after a rebuild.
QList<int> itemPath(const QTreeWidgetItem* item)
{
    QList<int> path;
    while (item) {
        path.prepend(item->parent() ? item->parent()->indexOfChild(const_cast<QTreeWidgetItem*>(item))
                                    : item->treeWidget()->indexOfTopLevelItem(const_cast<QTreeWidgetItem*>(item)));
        item = item->parent();
    }
    return path;
}

} // namespace

QList<SubscriptionsApiFilter> TriggerForm::treeFilters() const
{
    QList<SubscriptionsApiFilter> result;
    for (int i = 0; i < m_filters->topLevelItemCount(); ++i)
        result.append(filterOf(m_filters->topLevelItem(i)));
    return result;
}

void TriggerForm::updateFiltersTree()
{
    if (TriggerYaml::sameFilters(treeFilters(), m_draft.filters))
        return;
    const auto current = m_filters->currentItem() ? itemPath(m_filters->currentItem()) : QList<int>();
    m_filters->clear();
    for (const auto& filter : m_draft.filters)
        m_filters->addTopLevelItem(filterItem(filter));
    m_filters->expandAll();
    QTreeWidgetItem* item = nullptr;
    for (const auto index : current) {
        auto* next = item ? item->child(index) : m_filters->topLevelItem(index);
        if (!next)
            break;
        item = next;
    }
    if (item)
        m_filters->setCurrentItem(item);
    currentFilterItemChanged();
}

void TriggerForm::writeFilters()
{
    const auto filters = treeFilters();
    const QStringList path { u"spec"_s, u"filters"_s };
    apply(nullptr, { [path, filters](const QString& t) {
        return filters.isEmpty() ? TriggerYaml::removeKey(t, path)
                                 : TriggerYaml::setValue(t, path, TriggerYaml::filtersToJson(filters));
    } });
}

void TriggerForm::addFilter(bool asChild)
{
    auto* parent = m_filters->currentItem();
    if (asChild) {
        if (!parent || !isNestingDialect(static_cast<Dialect>(parent->data(0, nodeRole).toInt())))
            return;
        if (static_cast<Dialect>(parent->data(0, nodeRole).toInt()) == Dialect::Not && parent->childCount() > 0)
            return;
    }
    auto* item = filterItem(SubscriptionsApiFilter { Dialect::Exact, {}, {}, {} });
    {
        const QScopedValueRollback guard(m_updating, true);
        if (asChild) {
            parent->addChild(item);
            parent->setExpanded(true);
        } else {
            m_filters->addTopLevelItem(item);
        }
    }
    m_filters->setCurrentItem(item);
    writeFilters();
}

void TriggerForm::addFilterAttribute()
{
    auto* node = m_filters->currentItem();
    if (node && node->data(0, nodeRole).toInt() < 0)
        node = node->parent();
    if (!node || !isAttributeDialect(static_cast<Dialect>(node->data(0, nodeRole).toInt())))
        return;
    // Written once it has a name: an attribute row without one is not a filter yet.
    auto* attribute = new QTreeWidgetItem({ QString(), QString(), QString() });
    {
        const QScopedValueRollback guard(m_updating, true);
        attribute->setData(0, nodeRole, -1);
        attribute->setFlags(attribute->flags() | Qt::ItemIsEditable);
        node->addChild(attribute);
        node->setExpanded(true);
    }
    m_filters->setCurrentItem(attribute, 1);
    m_filters->editItem(attribute, 1);
}

void TriggerForm::removeFilterItem()
{
    auto* item = m_filters->currentItem();
    if (!item)
        return;
    {
        const QScopedValueRollback guard(m_updating, true);
        delete item;
    }
    writeFilters();
}

void TriggerForm::dialectChanged()
{
    auto* item = m_filters->currentItem();
    if (!item || m_updating || item->data(0, nodeRole).toInt() < 0)
        return;
    const auto dialect = static_cast<Dialect>(m_dialect->currentData().toInt());
    const auto before = static_cast<Dialect>(item->data(0, nodeRole).toInt());
    if (dialect == before)
        return;
    {
        const QScopedValueRollback guard(m_updating, true);
        item->setData(0, nodeRole, static_cast<int>(dialect));
        item->setText(0, dialectName(dialect));
        // Attributes carry over between exact, prefix and suffix; nested filters between all, any and not.
        const bool keepChildren = (isAttributeDialect(before) && isAttributeDialect(dialect))
            || (isNestingDialect(before) && isNestingDialect(dialect));
        if (!keepChildren)
            qDeleteAll(item->takeChildren());
        if (dialect != Dialect::Cesql)
            item->setText(1, QString());
    }
    writeFilters();
    if (dialect == Dialect::Cesql)
        m_filters->editItem(m_filters->currentItem(), 1);
}

void TriggerForm::currentFilterItemChanged()
{
    const auto* item = m_filters->currentItem();
    const bool node = item && item->data(0, nodeRole).toInt() >= 0;
    const QScopedValueRollback guard(m_updating, true);
    m_dialect->setEnabled(node);
    if (node)
        m_dialect->setCurrentIndex(m_dialect->findData(item->data(0, nodeRole).toInt()));
}
