// SPDX-License-Identifier: Apache-2.0
#include "publisherpage.h"

#include "cloudeventvalidator.h"
#include "filterevaluator.h"
#include "kafkatransport.h"
#include "knativekafkanaming.h"
#include "objectstore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QUuid>
#include <QVBoxLayout>

namespace {
QString freshId() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }
} // namespace

PublisherPage::PublisherPage(const ObjectStore* store, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_broker(new QComboBox)
    , m_id(new QLineEdit(freshId()))
    , m_source(new QLineEdit(QStringLiteral("/meshscope/publisher")))
    , m_type(new QLineEdit(QStringLiteral("com.shivamitcs.billing.started")))
    , m_subject(new QLineEdit)
    , m_contentType(new QLineEdit(QStringLiteral("application/json")))
    , m_setTime(new QCheckBox(tr("Set &time to the moment of sending")))
    , m_extensions(new QTableWidget(0, 2))
    , m_data(new QPlainTextEdit(QStringLiteral("{\n  \"invoice\": \"INV-1001\",\n  \"amount\": 42.5\n}\n")))
    , m_problemLabel(new QLabel)
    , m_matches(new QListWidget)
    , m_publish(new QPushButton(tr("&Publish")))
    , m_results(new QTreeWidget)
{
    m_setTime->setChecked(true);
    m_broker->setAccessibleName(tr("Target broker"));
    m_extensions->setHorizontalHeaderLabels({ tr("Extension name"), tr("Value") });
    m_extensions->horizontalHeader()->setStretchLastSection(true);
    m_extensions->setMaximumHeight(120);
    m_data->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_data->setAccessibleName(tr("Event data"));
    m_problemLabel->setWordWrap(true);
    m_problemLabel->setTextFormat(Qt::PlainText);
    m_results->setHeaderLabels({ tr("Sent"), tr("Type"), tr("Target"), tr("Result") });
    m_results->setRootIsDecorated(false);
    m_results->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_matches->setAccessibleName(tr("Triggers that will receive the event"));

    auto* newId = new QPushButton(tr("New id"));
    newId->setToolTip(tr("Generate a fresh UUID"));
    auto* idRow = new QHBoxLayout;
    idRow->addWidget(m_id, 1);
    idRow->addWidget(newId);
    auto* addExtension = new QPushButton(tr("Add extension"));
    auto* removeExtension = new QPushButton(tr("Remove"));
    auto* extensionButtons = new QHBoxLayout;
    extensionButtons->addWidget(addExtension);
    extensionButtons->addWidget(removeExtension);
    extensionButtons->addStretch();

    auto* form = new QFormLayout;
    form->addRow(tr("&Broker:"), m_broker);
    auto* idLabel = new QLabel(tr("&id:"));
    idLabel->setBuddy(m_id);
    form->addRow(idLabel, idRow);
    form->addRow(tr("&source:"), m_source);
    form->addRow(tr("t&ype:"), m_type);
    form->addRow(tr("s&ubject:"), m_subject);
    form->addRow(tr("data&contenttype:"), m_contentType);
    form->addRow(QString(), m_setTime);
    form->addRow(tr("Extensions:"), m_extensions);
    form->addRow(QString(), extensionButtons);
    form->addRow(tr("&data:"), m_data);

    auto* composer = new QGroupBox(tr("CloudEvent (spec 1.0)"));
    auto* composerLayout = new QVBoxLayout(composer);
    composerLayout->addLayout(form);
    composerLayout->addWidget(m_problemLabel);
    composerLayout->addWidget(m_publish);

    auto* matchesBox = new QGroupBox(tr("Triggers that will receive it"));
    auto* matchesLayout = new QVBoxLayout(matchesBox);
    matchesLayout->addWidget(m_matches);
    auto* resultsBox = new QGroupBox(tr("Sent events"));
    auto* resultsLayout = new QVBoxLayout(resultsBox);
    resultsLayout->addWidget(m_results);
    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(matchesBox);
    right->addWidget(resultsBox);

    auto* splitter = new QSplitter;
    splitter->addWidget(composer);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    m_evaluateTimer.setSingleShot(true);
    m_evaluateTimer.setInterval(120);
    connect(&m_evaluateTimer, &QTimer::timeout, this, &PublisherPage::reevaluate);
    auto later = [this] { m_evaluateTimer.start(); };
    for (auto* field : { m_id, m_source, m_type, m_subject, m_contentType })
        connect(field, &QLineEdit::textChanged, this, later);
    connect(m_data, &QPlainTextEdit::textChanged, this, later);
    connect(m_extensions, &QTableWidget::cellChanged, this, later);
    connect(m_broker, &QComboBox::currentIndexChanged, this, later);
    connect(newId, &QPushButton::clicked, this, [this] { m_id->setText(freshId()); });
    connect(addExtension, &QPushButton::clicked, this, [this] {
        const int row = m_extensions->rowCount();
        m_extensions->insertRow(row);
        m_extensions->setItem(row, 0, new QTableWidgetItem(QStringLiteral("partitionkey")));
        m_extensions->setItem(row, 1, new QTableWidgetItem(QStringLiteral("customer-17")));
        m_evaluateTimer.start();
    });
    connect(removeExtension, &QPushButton::clicked, this, [this] {
        if (m_extensions->currentRow() >= 0)
            m_extensions->removeRow(m_extensions->currentRow());
        m_evaluateTimer.start();
    });
    connect(m_publish, &QPushButton::clicked, this, &PublisherPage::publish);
    connect(store, &ObjectStore::changed, this, [this](const ObjectChangeBatch& batch) {
        if (!batchTouches(batch, { ObjectKind::Broker, ObjectKind::Trigger }))
            return;
        refreshBrokers();
        m_evaluateTimer.start();
    });
    refreshBrokers();
    reevaluate();
}

void PublisherPage::setTransport(KafkaTransport* transport)
{
    m_transport = transport;
    connect(transport, &KafkaTransport::delivered, this, &PublisherPage::onDelivered);
    reevaluate();
}

void PublisherPage::refreshBrokers()
{
    const auto current = m_broker->currentData().toString();
    auto brokers = m_store->objects(ObjectKind::Broker);
    std::sort(brokers.begin(), brokers.end(), [](const auto& a, const auto& b) { return a->key < b->key; });
    QStringList keys;
    for (const auto& broker : brokers)
        keys.append(broker->key.toString());
    QStringList present;
    for (int i = 0; i < m_broker->count(); ++i)
        present.append(m_broker->itemData(i).toString());
    if (present == keys)
        return;
    const QSignalBlocker blocker(m_broker);
    m_broker->clear();
    for (const auto& broker : brokers) {
        m_broker->addItem(broker->key.ns % u'/' % broker->key.name % QStringLiteral("  (topic ")
                % kafkaTopicForBroker(*broker) % u')',
            broker->key.toString());
    }
    const int index = m_broker->findData(current);
    m_broker->setCurrentIndex(index >= 0 ? index : 0);
}

void PublisherPage::selectBroker(const ObjectKey& broker)
{
    refreshBrokers();
    const int index = m_broker->findData(broker.toString());
    if (index >= 0)
        m_broker->setCurrentIndex(index);
}

ObjectKey PublisherPage::currentBroker() const
{
    const auto broker = m_store->objects(ObjectKind::Broker);
    const auto key = m_broker->currentData().toString();
    for (const auto& object : broker) {
        if (object->key.toString() == key)
            return object->key;
    }
    return {};
}

CloudEvent PublisherPage::event() const
{
    CloudEvent event;
    event.id = m_id->text();
    event.source = m_source->text();
    event.type = m_type->text();
    event.subject = m_subject->text();
    event.dataContentType = m_contentType->text().trimmed();
    if (m_setTime->isChecked())
        event.time = QDateTime::currentDateTimeUtc();
    for (int row = 0; row < m_extensions->rowCount(); ++row) {
        const auto* name = m_extensions->item(row, 0);
        const auto* value = m_extensions->item(row, 1);
        if (name && !name->text().isEmpty())
            event.extensions.insert(name->text(), value ? value->text() : QString());
    }
    const auto data = m_data->toPlainText();
    if (!data.trimmed().isEmpty()) {
        event.data = data.toUtf8();
        const bool json = event.dataContentType.isEmpty() || event.dataContentType.contains(QStringLiteral("json"));
        event.dataKind = json ? CloudEvent::DataKind::Json : CloudEvent::DataKind::Text;
    }
    return event;
}

void PublisherPage::reevaluate()
{
    const auto current = event();
    m_problems.clear();
    const auto issues = CloudEventValidator::validate(current);
    for (const auto& issue : issues)
        m_problems.append(issue.field % QStringLiteral(": ") % issue.message);

    m_matches->clear();
    const auto broker = currentBroker();
    if (broker.isValid()) {
        const auto matched = m_filters.matchingTriggers(m_store->objects(ObjectKind::Trigger), broker, current);
        for (const auto& trigger : matched) {
            const auto result = m_filters.evaluateTrigger(*trigger, current);
            new QListWidgetItem(
                trigger->key.ns % u'/' % trigger->key.name % QStringLiteral("  \u2014  ") % result.reason, m_matches);
        }
        if (matched.isEmpty())
            new QListWidgetItem(tr("No trigger of this broker matches this event."), m_matches);
    } else {
        m_problems.append(tr("broker: choose a target broker"));
    }
    if (!m_transport)
        m_problems.append(tr("The broker's Kafka cluster is not connected yet."));
    m_problemLabel->setText(m_problems.isEmpty() ? tr("Valid event.") : m_problems.join(u'\n'));
    m_problemLabel->setStyleSheet(m_problems.isEmpty() ? QString() : QStringLiteral("color: #c62828;"));
    m_publish->setEnabled(m_problems.isEmpty());
}

QStringList PublisherPage::matchingTriggerNames() const
{
    QStringList names;
    const auto broker = currentBroker();
    if (!broker.isValid())
        return names;
    const auto matched = m_filters.matchingTriggers(m_store->objects(ObjectKind::Trigger), broker, event());
    for (const auto& trigger : matched)
        names.append(trigger->key.name);
    return names;
}

QString PublisherPage::lastResult() const
{
    const auto* item = m_results->topLevelItem(0);
    return item ? item->text(3) : QString();
}

void PublisherPage::publish()
{
    reevaluate();
    if (!m_problems.isEmpty() || !m_transport)
        return;
    const auto brokerKey = currentBroker();
    const auto broker = m_store->find(brokerKey);
    if (!broker)
        return;
    const auto current = event();
    const auto topic = kafkaTopicForBroker(*broker);
    auto* item = new QTreeWidgetItem;
    item->setText(0, QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss")));
    item->setText(1, current.type);
    item->setText(2, topic);
    item->setText(3, tr("sending…"));
    m_results->insertTopLevelItem(0, item);
    const auto requestId = m_transport->publish(topic, current);
    m_pending.insert(requestId, { current, topic, item });
    Q_EMIT published(brokerKey, current, matchingTriggerNames());
    // A fresh id for the next event, as the spec wants source+id unique; the rest of the form stays.
    m_id->setText(freshId());
}

void PublisherPage::onDelivered(quint64 requestId, const DeliveryResult& result)
{
    const auto pending = m_pending.take(requestId);
    if (!pending.item)
        return;
    const QString text = result.ok ? tr("delivered: partition %1, offset %2 (%3 ms)")
                                         .arg(result.partition)
                                         .arg(result.offset)
                                         .arg(result.latencyMs)
                                   : tr("failed: %1").arg(result.error);
    pending.item->setText(3, text);
    Q_EMIT resultShown(text);
}
