// SPDX-License-Identifier: Apache-2.0
#include "publisherpage.h"

#include "cloudeventcodec.h"
#include "cloudeventvalidator.h"
#include "eventhistory.h"
#include "kafkatransport.h"
#include "knativekafkanaming.h"
#include "objectstore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QScrollBar>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QUuid>
#include <QVBoxLayout>

#include <array>

using namespace Qt::StringLiterals;

namespace {

QString freshId() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

const QString errorStyle = u"color: #c62828;"_s;

// A field with its message under it; the message is hidden while the field is fine.
QWidget* withMessage(QWidget* field, QLabel* message)
{
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(1);
    layout->addWidget(field);
    layout->addWidget(message);
    message->setStyleSheet(errorStyle);
    message->setWordWrap(true);
    message->setTextFormat(Qt::PlainText);
    message->hide();
    return box;
}

// Where a JSON text stops parsing, as "line L, column C: reason"; empty when it is one JSON value (scalars too).
QString jsonProblem(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    QJsonParseError error;
    // Wrapping in an array lets QJsonDocument, which wants an object or array, read a bare scalar too.
    QJsonDocument::fromJson('[' + utf8 + ']', &error);
    if (error.error == QJsonParseError::NoError)
        return {};
    const auto offset = std::clamp<qsizetype>(qsizetype(error.offset) - 1, 0, utf8.size());
    const QString before = QString::fromUtf8(utf8.left(offset));
    const auto line = before.count(u'\n') + 1;
    const auto column = before.size() - (before.lastIndexOf(u'\n') + 1) + 1;
    return u"line %1, column %2: %3"_s.arg(line).arg(column).arg(error.errorString());
}

// Re-indents JSON text by its brackets and commas, two spaces a level. It works on the text, not on a parsed
// document, so member order and placeholders ("amount": {{random:1-9}}) stay exactly as typed.
QString indentJson(const QString& text)
{
    QString result;
    int depth = 0;
    bool inString = false;
    bool escaped = false;
    int placeholderDepth = 0;
    const auto newline = [&result, &depth] { result += u'\n' % QString(2 * depth, u' '); };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (inString) {
            result += c;
            if (escaped)
                escaped = false;
            else if (c == u'\\')
                escaped = true;
            else if (c == u'"')
                inString = false;
            continue;
        }
        if (text.mid(i, 2) == u"{{") {
            ++placeholderDepth;
            result += u"{{"_s;
            ++i;
            continue;
        }
        if (placeholderDepth > 0) {
            if (text.mid(i, 2) == u"}}") {
                --placeholderDepth;
                result += u"}}"_s;
                ++i;
            } else {
                result += c;
            }
            continue;
        }
        if (c.isSpace())
            continue;
        if (c == u'"') {
            inString = true;
            result += c;
        } else if (c == u'{' || c == u'[') {
            result += c;
            ++depth;
            newline();
        } else if (c == u'}' || c == u']') {
            --depth;
            // An empty object or array stays on one line: "{}".
            if (result.trimmed().endsWith(u'{') || result.trimmed().endsWith(u'['))
                result = result.trimmed();
            else
                newline();
            result += c;
        } else if (c == u',') {
            result += c;
            newline();
        } else if (c == u':') {
            result += u": "_s;
        } else {
            result += c;
        }
    }
    return result + u'\n';
}

} // namespace

PublisherPage::PublisherPage(const ObjectStore* store, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_publisher(new EventPublisher(this))
    , m_bulkPublisher(new EventPublisher(this))
    , m_bulk(new BulkSender(m_bulkPublisher, this))
    , m_history(new EventHistory(EventHistory::defaultFilePath(), 1000, this))
    , m_collectionDirectory(EventCollection::defaultDirectory())
{
    m_history->load();
    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->setObjectName(u"publisherSplitter"_s);
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    QWidget* footer = nullptr;
    auto* composer = buildComposer(&footer);
    scroll->setWidget(composer);
    // The composer scrolls vertically only; its fields need their width.
    scroll->setMinimumWidth(
        std::max(560, composer->minimumSizeHint().width() + scroll->verticalScrollBar()->sizeHint().width() + 8));
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(scroll, 1);
    leftLayout->addWidget(footer);
    splitter->addWidget(left);

    m_tabs = new QTabWidget;
    m_matches = new QListWidget;
    m_matches->setAccessibleName(tr("Triggers that will receive the event"));
    m_matches->setToolTip(tr("The triggers of the target broker whose filters accept the event, and why"));
    m_tabs->addTab(m_matches, tr("&Receivers"));
    m_tabs->addTab(buildHistoryTab(), tr("&History"));
    m_tabs->addTab(buildCollectionsTab(), tr("C&ollections"));
    m_tabs->addTab(buildBulkTab(), tr("B&ulk"));
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({ 600, 500 });

    m_status = new QLabel;
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_status);

    m_validateTimer.setSingleShot(true);
    m_validateTimer.setInterval(120);
    connect(&m_validateTimer, &QTimer::timeout, this, &PublisherPage::validateNow);
    connect(m_publisher, &EventPublisher::delivered, this, &PublisherPage::onDelivered);
    connect(m_bulk, &BulkSender::progress, this, [this](qint64 completed, qint64 failed, qint64 total) {
        m_bulkProgress->setMaximum(int(std::min<qint64>(total, std::numeric_limits<int>::max())));
        m_bulkProgress->setValue(int(std::min<qint64>(completed, std::numeric_limits<int>::max())));
        m_bulkSummary->setText(tr("%1 of %2 reported, %3 failed").arg(completed).arg(total).arg(failed));
    });
    connect(m_bulk, &BulkSender::finished, this, &PublisherPage::onBulkFinished);
    connect(store, &ObjectStore::changed, this, [this](const ObjectChangeBatch& batch) {
        if (!batchTouches(batch, { ObjectKind::Broker, ObjectKind::Trigger }))
            return;
        refreshBrokers();
        scheduleValidation();
    });
    for (const auto& sequence : { QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter) }) {
        auto* shortcut = new QShortcut(sequence, this);
        shortcut->setContext(Qt::WidgetWithChildrenShortcut);
        connect(shortcut, &QShortcut::activated, this, [this] { publish(); });
    }
    refreshBrokers();
    refreshCollectionList();
    updateTargetWidgets();
    validateNow();
}

PublisherPage::~PublisherPage() = default;

QWidget* PublisherPage::buildTargetBox()
{
    m_targetKind = new QComboBox;
    m_targetKind->addItem(tr("Selected broker"), int(TargetKind::Broker));
    m_targetKind->addItem(tr("Kafka topic"), int(TargetKind::KafkaTopic));
    m_targetKind->addItem(tr("RabbitMQ exchange (AMQP)"), int(TargetKind::AmqpExchange));
    m_targetKind->addItem(tr("HTTP URL"), int(TargetKind::HttpUrl));
    m_targetKind->setToolTip(tr("How the event travels: a broker's own ingest path (its Kafka topic when Kafka is "
                                "connected, else its HTTP ingress), a topic, an exchange, or any CloudEvents URL"));
    m_broker = new QComboBox;
    m_broker->setAccessibleName(tr("Target broker"));
    m_broker->setToolTip(tr("The broker whose triggers should receive the event"));
    m_topic = new QLineEdit;
    m_topic->setPlaceholderText(tr("knative-broker-<namespace>-<name>"));
    m_topic->setToolTip(tr("Kafka topic; the event is written in binary mode as the Knative Kafka broker stores it"));
    m_exchange = new QLineEdit;
    m_exchange->setPlaceholderText(tr("b.<namespace>.<broker>.<uid>"));
    m_exchange->setToolTip(tr("RabbitMQ exchange; headers as the Knative RabbitMQ broker's ingress sets them"));
    m_url = new QLineEdit(u"http://localhost:8080/"_s);
    m_url->setToolTip(tr("Any HTTP endpoint that accepts CloudEvents"));
    m_targetStack = new QStackedWidget;
    for (auto* widget : std::initializer_list<QWidget*> { m_broker, m_topic, m_exchange, m_url })
        m_targetStack->addWidget(widget);
    m_httpMode = new QComboBox;
    m_httpMode->addItem(tr("Binary mode (ce- headers)"), int(HttpTransport::Mode::Binary));
    m_httpMode->addItem(tr("Structured mode (application/cloudevents+json)"), int(HttpTransport::Mode::Structured));
    m_httpMode->setToolTip(tr("The HTTP binding's content mode, for HTTP targets and brokers reached over HTTP"));

    auto* box = new QGroupBox(tr("Target"));
    auto* form = new QFormLayout(box);
    auto* kindLabel = new QLabel(tr("&Send to:"));
    kindLabel->setBuddy(m_targetKind);
    form->addRow(kindLabel, m_targetKind);
    auto* targetMessage = new QLabel;
    m_fieldLabels.insert(u"target"_s, targetMessage);
    form->addRow(tr("Where:"), withMessage(m_targetStack, targetMessage));
    form->addRow(tr("HTTP mode:"), m_httpMode);

    connect(m_targetKind, &QComboBox::currentIndexChanged, this, [this] {
        updateTargetWidgets();
        scheduleValidation();
    });
    connect(m_broker, &QComboBox::currentIndexChanged, this, &PublisherPage::scheduleValidation);
    connect(m_httpMode, &QComboBox::currentIndexChanged, this, &PublisherPage::scheduleValidation);
    for (auto* field : { m_topic, m_exchange, m_url })
        connect(field, &QLineEdit::textChanged, this, &PublisherPage::scheduleValidation);
    return box;
}

QWidget* PublisherPage::buildComposer(QWidget** footer)
{
    m_id = new QLineEdit(freshId());
    m_source = new QLineEdit(u"/meshscope/publisher"_s);
    m_type = new QLineEdit(u"com.shivamitcs.billing.started"_s);
    m_subject = new QLineEdit;
    m_contentType = new QComboBox;
    m_contentType->setEditable(true);
    m_contentType->addItems(
        { u"application/json"_s, u"text/plain"_s, u"application/octet-stream"_s, u"application/xml"_s, QString() });
    m_dataSchema = new QLineEdit;
    m_setTime = new QCheckBox(tr("Set &time"));
    m_setTime->setChecked(true);
    m_time = new QLineEdit(u"{{now}}"_s);
    m_id->setToolTip(tr("Unique with source; {{uuid}} gives a fresh one per event"));
    m_source->setToolTip(tr("URI-reference identifying the context the event happened in"));
    m_type->setToolTip(tr("The event type the triggers filter on, reverse-DNS style"));
    m_subject->setToolTip(tr("Optional: the subject of the event within its source"));
    m_contentType->setToolTip(tr("Optional: the media type of the data (RFC 2046)"));
    m_dataSchema->setToolTip(tr("Optional: an absolute URI of the schema the data adheres to"));
    m_setTime->setToolTip(tr("Include the time attribute"));
    m_time->setToolTip(tr("RFC 3339 time; {{now}} is the moment of sending"));
    m_dataSchema->setPlaceholderText(tr("https://example.com/schema.json (optional)"));
    m_subject->setPlaceholderText(tr("(optional)"));

    auto* newId = new QPushButton(tr("&New id"));
    newId->setToolTip(tr("Generate a fresh UUID"));
    auto* idRow = new QWidget;
    auto* idLayout = new QHBoxLayout(idRow);
    idLayout->setContentsMargins(0, 0, 0, 0);
    idLayout->addWidget(m_id, 1);
    idLayout->addWidget(newId);
    auto* timeRow = new QWidget;
    auto* timeLayout = new QHBoxLayout(timeRow);
    timeLayout->setContentsMargins(0, 0, 0, 0);
    timeLayout->addWidget(m_setTime);
    timeLayout->addWidget(m_time, 1);

    auto* attributes = new QGroupBox(tr("Attributes (CloudEvents 1.0.2)"));
    auto* form = new QFormLayout(attributes);
    auto* specVersion = new QLabel(u"1.0"_s);
    specVersion->setToolTip(tr("specversion: Meshscope sends CloudEvents 1.0"));
    form->addRow(tr("specversion:"), specVersion);
    const auto addField = [this, form](const QString& label, const QString& field, QWidget* widget, QWidget* buddy) {
        auto* message = new QLabel;
        m_fieldLabels.insert(field, message);
        auto* name = new QLabel(label);
        name->setBuddy(buddy);
        form->addRow(name, withMessage(widget, message));
    };
    addField(tr("&id:"), u"id"_s, idRow, m_id);
    addField(tr("&source:"), u"source"_s, m_source, m_source);
    addField(tr("t&ype:"), u"type"_s, m_type, m_type);
    addField(tr("su&bject:"), u"subject"_s, m_subject, m_subject);
    addField(tr("datacontent&type:"), u"datacontenttype"_s, m_contentType, m_contentType);
    addField(tr("data&schema:"), u"dataschema"_s, m_dataSchema, m_dataSchema);
    addField(tr("ti&me:"), u"time"_s, timeRow, m_time);

    m_extensions = new QTableWidget(0, 3);
    m_extensions->setHorizontalHeaderLabels({ tr("Name"), tr("Type"), tr("Value") });
    m_extensions->horizontalHeader()->setStretchLastSection(true);
    m_extensions->verticalHeader()->hide();
    m_extensions->setMinimumHeight(80);
    m_extensions->setMaximumHeight(140);
    m_extensions->setAccessibleName(tr("Extension attributes"));
    m_extensions->setToolTip(tr("Extension attributes: lower-case a-z and 0-9 names, each of a CloudEvents type"));
    auto* addExtensionButton = new QPushButton(tr("&Add extension"));
    addExtensionButton->setToolTip(tr("Add an extension attribute (partitionkey sets the Kafka record key)"));
    auto* removeExtension = new QPushButton(tr("Remove extension"));
    removeExtension->setToolTip(tr("Remove the selected extension attribute"));
    auto* extensionsBox = new QGroupBox(tr("Extensions"));
    auto* extensionsLayout = new QVBoxLayout(extensionsBox);
    auto* extensionsMessage = new QLabel;
    m_fieldLabels.insert(u"extensions"_s, extensionsMessage);
    extensionsLayout->addWidget(withMessage(m_extensions, extensionsMessage));
    auto* extensionButtons = new QHBoxLayout;
    extensionButtons->addWidget(addExtensionButton);
    extensionButtons->addWidget(removeExtension);
    extensionButtons->addStretch();
    extensionsLayout->addLayout(extensionButtons);

    m_dataMode = new QComboBox;
    m_dataMode->addItem(tr("JSON"), int(DataMode::Json));
    m_dataMode->addItem(tr("Text"), int(DataMode::Text));
    m_dataMode->addItem(tr("Binary from a file"), int(DataMode::Binary));
    m_dataMode->addItem(tr("No data"), int(DataMode::None));
    m_dataMode->setToolTip(tr("How the data is given: JSON (validated), text, or the bytes of a file"));
    m_data = new QPlainTextEdit(u"{\n  \"invoice\": \"INV-{{seq}}\",\n  \"amount\": {{random:1-500}}\n}\n"_s);
    m_data->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_data->setAccessibleName(tr("Event data"));
    m_data->setToolTip(tr("The event's data; placeholders such as {{seq}} are expanded per event"));
    m_data->setTabChangesFocus(true);
    m_data->setMinimumHeight(160);
    m_prettyPrint = new QPushButton(tr("&Pretty-print"));
    m_prettyPrint->setToolTip(tr("Indent the JSON data; member order and placeholders stay as typed"));
    auto* loadFile = new QPushButton(tr("&Load file…"));
    loadFile->setToolTip(tr("Read binary data from a file"));
    m_binaryInfo = new QLabel;
    m_binaryInfo->setTextFormat(Qt::PlainText);
    auto* dataBox = new QGroupBox(tr("Data"));
    auto* dataLayout = new QVBoxLayout(dataBox);
    auto* dataTop = new QHBoxLayout;
    auto* dataModeLabel = new QLabel(tr("&Data as:"));
    dataModeLabel->setBuddy(m_dataMode);
    dataTop->addWidget(dataModeLabel);
    dataTop->addWidget(m_dataMode);
    dataTop->addWidget(m_prettyPrint);
    dataTop->addWidget(loadFile);
    dataTop->addStretch();
    dataLayout->addLayout(dataTop);
    auto* dataMessage = new QLabel;
    m_fieldLabels.insert(u"data"_s, dataMessage);
    dataLayout->addWidget(withMessage(m_data, dataMessage), 1);
    dataLayout->addWidget(m_binaryInfo);

    m_problemLabel = new QLabel;
    m_problemLabel->setWordWrap(true);
    m_problemLabel->setTextFormat(Qt::PlainText);
    m_publish = new QPushButton(tr("&Send"));
    m_publish->setToolTip(tr("Send the event to the target (Ctrl+Return)"));
    auto* importButton = new QPushButton(tr("&Import…"));
    importButton->setToolTip(tr("Read an event or a batch in the CloudEvents JSON format"));
    auto* exportButton = new QPushButton(tr("E&xport…"));
    exportButton->setToolTip(tr("Write the composed event in the CloudEvents JSON format"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_publish);
    buttons->addStretch();
    buttons->addWidget(importButton);
    buttons->addWidget(exportButton);

    auto* composer = new QWidget;
    auto* layout = new QVBoxLayout(composer);
    layout->addWidget(buildTargetBox());
    layout->addWidget(attributes);
    layout->addWidget(extensionsBox);
    layout->addWidget(dataBox, 1);
    // The verdict and the buttons stay in view below the scrolling form.
    *footer = new QWidget;
    auto* footerLayout = new QVBoxLayout(*footer);
    footerLayout->setContentsMargins(0, 0, 0, 0);
    footerLayout->addWidget(m_problemLabel);
    footerLayout->addLayout(buttons);

    for (auto* field : { m_id, m_source, m_type, m_subject, m_dataSchema, m_time })
        connect(field, &QLineEdit::textChanged, this, &PublisherPage::scheduleValidation);
    connect(m_contentType, &QComboBox::currentTextChanged, this, &PublisherPage::scheduleValidation);
    connect(m_setTime, &QCheckBox::toggled, this, [this](bool on) {
        m_time->setEnabled(on);
        scheduleValidation();
    });
    connect(m_data, &QPlainTextEdit::textChanged, this, &PublisherPage::scheduleValidation);
    connect(m_extensions, &QTableWidget::cellChanged, this, &PublisherPage::scheduleValidation);
    connect(m_dataMode, &QComboBox::currentIndexChanged, this, [this] {
        const auto mode = DataMode(m_dataMode->currentData().toInt());
        // The typed text stays in the editor whatever the mode, so switching back loses nothing.
        m_data->setEnabled(mode == DataMode::Json || mode == DataMode::Text);
        m_prettyPrint->setEnabled(mode == DataMode::Json);
        m_binaryInfo->setVisible(mode == DataMode::Binary);
        scheduleValidation();
    });
    connect(newId, &QPushButton::clicked, this, [this] { m_id->setText(freshId()); });
    connect(addExtensionButton, &QPushButton::clicked, this, [this] {
        addExtension(u"partitionkey"_s, u"string"_s, u"customer-{{random:1-20}}"_s);
        m_extensions->setCurrentCell(m_extensions->rowCount() - 1, 0);
        m_extensions->setFocus();
    });
    connect(removeExtension, &QPushButton::clicked, this, [this] {
        if (m_extensions->currentRow() >= 0)
            m_extensions->removeRow(m_extensions->currentRow());
        scheduleValidation();
    });
    connect(m_prettyPrint, &QPushButton::clicked, this, &PublisherPage::prettyPrint);
    connect(loadFile, &QPushButton::clicked, this, &PublisherPage::chooseBinaryFile);
    connect(m_publish, &QPushButton::clicked, this, [this] { publish(); });
    connect(importButton, &QPushButton::clicked, this, &PublisherPage::chooseImportFile);
    connect(exportButton, &QPushButton::clicked, this, &PublisherPage::chooseExportFile);
    m_binaryInfo->hide();
    return composer;
}

QWidget* PublisherPage::buildHistoryTab()
{
    m_historyView = new QTableView;
    m_historyView->setModel(m_history);
    // Read-only rows: arrow keys move between them, Tab moves on to the next control.
    m_historyView->setTabKeyNavigation(false);
    m_historyView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyView->verticalHeader()->hide();
    m_historyView->horizontalHeader()->setStretchLastSection(true);
    m_historyView->setWordWrap(false);
    m_historyView->verticalHeader()->setDefaultSectionSize(m_historyView->fontMetrics().height() + 6);
    // Narrow enough that the result and the trace, what a person looks for, fit beside the composer.
    const std::array widths { 64, 140, 70, 130, 170 };
    for (int column = 0; column < int(widths.size()); ++column)
        m_historyView->setColumnWidth(column, widths[size_t(column)]);
    m_historyView->setAccessibleName(tr("Sent events"));
    m_historyView->setToolTip(tr("Every sent event with its target and result; double-click loads one into the "
                                 "composer"));
    auto* resend = new QPushButton(tr("&Resend"));
    resend->setToolTip(tr("Send the selected events again exactly as they were (same ids)"));
    auto* replay = new QPushButton(tr("Re&play"));
    replay->setToolTip(tr("Send the selected events again in the order they were sent, with fresh ids and times"));
    auto* exportSelected = new QPushButton(tr("Export selected…"));
    exportSelected->setToolTip(tr("Write the selected events as a CloudEvents JSON batch"));
    auto* clear = new QPushButton(tr("Clear"));
    clear->setToolTip(tr("Forget the history"));
    const auto selectedRows = [this] {
        QList<int> rows;
        const auto indexes = m_historyView->selectionModel()->selectedRows();
        for (const auto& index : indexes)
            rows.append(index.row());
        std::sort(rows.begin(), rows.end());
        return rows;
    };
    connect(resend, &QPushButton::clicked, this, [this, selectedRows] { resendHistoryRows(selectedRows(), false); });
    connect(replay, &QPushButton::clicked, this, [this, selectedRows] { resendHistoryRows(selectedRows(), true); });
    connect(exportSelected, &QPushButton::clicked, this, [this, selectedRows] {
        QList<CloudEvent> events;
        const auto rows = selectedRows();
        // Oldest first, as they were sent.
        for (auto it = rows.crbegin(); it != rows.crend(); ++it)
            events.append(m_history->entry(*it).event);
        const auto path = QFileDialog::getSaveFileName(
            this, tr("Export events"), QString(), tr("CloudEvents JSON (*.json);;All files (*)"));
        QString error;
        if (!path.isEmpty() && !exportEvents(path, events, &error))
            m_status->setText(error);
    });
    connect(clear, &QPushButton::clicked, m_history, &EventHistory::clear);
    connect(m_historyView, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        const auto& entry = m_history->entry(index.row());
        if (entry.bulk)
            loadTemplate(entry.bulk->source);
        else
            loadEvent(entry.event);
    });
    m_historyDetail = new QLabel;
    m_historyDetail->setWordWrap(true);
    m_historyDetail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_historyDetail->setAccessibleName(tr("Selected event's result and trace"));
    connectHistoryView();
    auto* tab = new QWidget;
    auto* layout = new QVBoxLayout(tab);
    layout->addWidget(m_historyView, 1);
    layout->addWidget(m_historyDetail);
    auto* buttons = new QHBoxLayout;
    for (auto* button : { resend, replay, exportSelected, clear })
        buttons->addWidget(button);
    buttons->addStretch();
    layout->addLayout(buttons);
    return tab;
}

QWidget* PublisherPage::buildCollectionsTab()
{
    m_collectionName = new QComboBox;
    m_collectionName->setEditable(true);
    m_collectionName->setToolTip(tr("The collection: choose one to open it, or type a new name"));
    m_collectionEvents = new QListWidget;
    m_collectionEvents->setAccessibleName(tr("Saved events of the collection"));
    m_collectionEvents->setToolTip(tr("Double-click loads a saved event into the composer"));
    auto* open = new QPushButton(tr("Open"));
    open->setToolTip(tr("Open the named collection"));
    auto* add = new QPushButton(tr("Add &current event"));
    add->setToolTip(tr("Add the composer's event (placeholders kept) to the collection"));
    auto* load = new QPushButton(tr("Load into composer"));
    load->setToolTip(tr("Put the selected saved event into the composer"));
    auto* remove = new QPushButton(tr("Remove"));
    remove->setToolTip(tr("Remove the selected event from the collection"));
    auto* save = new QPushButton(tr("Sa&ve collection"));
    save->setToolTip(tr("Write the collection to disk under the name above"));
    connect(open, &QPushButton::clicked, this, [this] {
        QString error;
        if (!openCollection(m_collectionName->currentText(), &error))
            m_status->setText(error);
    });
    connect(m_collectionName, &QComboBox::activated, this, [this] {
        QString error;
        if (!openCollection(m_collectionName->currentText(), &error))
            m_status->setText(error);
    });
    connect(add, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const auto name = QInputDialog::getText(
            this, tr("Add to collection"), tr("Name of the saved event:"), QLineEdit::Normal, m_type->text(), &ok);
        if (ok)
            addToCollection(name);
    });
    const auto loadSelected = [this] {
        const int row = m_collectionEvents->currentRow();
        if (row >= 0 && row < m_collection.events.size())
            loadTemplate(m_collection.events.at(row));
    };
    connect(load, &QPushButton::clicked, this, loadSelected);
    connect(m_collectionEvents, &QListWidget::itemDoubleClicked, this, loadSelected);
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_collectionEvents->currentRow();
        if (row >= 0 && row < m_collection.events.size()) {
            m_collection.events.removeAt(row);
            delete m_collectionEvents->takeItem(row);
        }
    });
    connect(save, &QPushButton::clicked, this, [this] {
        QString error;
        m_status->setText(saveCollection(m_collectionName->currentText(), &error)
                ? tr("Saved collection \u201c%1\u201d.").arg(m_collection.name)
                : error);
    });
    auto* tab = new QWidget;
    auto* layout = new QVBoxLayout(tab);
    auto* top = new QHBoxLayout;
    auto* nameLabel = new QLabel(tr("Co&llection:"));
    nameLabel->setBuddy(m_collectionName);
    top->addWidget(nameLabel);
    top->addWidget(m_collectionName, 1);
    top->addWidget(open);
    layout->addLayout(top);
    layout->addWidget(m_collectionEvents, 1);
    auto* buttons = new QHBoxLayout;
    for (auto* button : { add, load, remove, save })
        buttons->addWidget(button);
    layout->addLayout(buttons);
    return tab;
}

QWidget* PublisherPage::buildBulkTab()
{
    m_bulkCount = new QSpinBox;
    m_bulkCount->setRange(1, 100'000'000);
    m_bulkCount->setValue(1000);
    m_bulkCount->setToolTip(tr("How many events to send; {{seq}} counts them from 1"));
    m_bulkRate = new QDoubleSpinBox;
    m_bulkRate->setRange(0, 1'000'000);
    m_bulkRate->setDecimals(1);
    m_bulkRate->setValue(0);
    m_bulkRate->setSpecialValueText(tr("as fast as possible"));
    m_bulkRate->setSuffix(tr(" events/s"));
    m_bulkRate->setToolTip(tr("Events per second; 0 sends as fast as the target acknowledges"));
    m_bulkWindow = new QSpinBox;
    m_bulkWindow->setRange(1, 10'000);
    m_bulkWindow->setValue(256);
    m_bulkWindow->setToolTip(tr("Requests in flight at most"));
    m_bulkStart = new QPushButton(tr("S&tart bulk send"));
    m_bulkStart->setToolTip(tr("Send the composer's template N times to the target"));
    m_bulkCancel = new QPushButton(tr("&Cancel"));
    m_bulkCancel->setToolTip(tr("Stop sending; what is in flight is still reported"));
    m_bulkCancel->setEnabled(false);
    m_bulkProgress = new QProgressBar;
    m_bulkProgress->setAccessibleName(tr("Bulk progress"));
    m_bulkProgress->setValue(0);
    m_bulkSummary = new QLabel;
    m_bulkSummary->setTextFormat(Qt::PlainText);
    m_bulkSummary->setWordWrap(true);
    m_bulkFailures = new QListWidget;
    m_bulkFailures->setAccessibleName(tr("Bulk failures"));
    m_bulkFailures->setToolTip(tr("Every failure reason with its count, then the first failed events"));
    connect(m_bulkStart, &QPushButton::clicked, this, [this] {
        QString error;
        if (!startBulk(m_bulkCount->value(), m_bulkRate->value(), m_bulkWindow->value(), &error))
            m_bulkSummary->setText(tr("Not started: %1").arg(error));
    });
    connect(m_bulkCancel, &QPushButton::clicked, this, &PublisherPage::cancelBulk);
    auto* tab = new QWidget;
    auto* layout = new QVBoxLayout(tab);
    auto* form = new QFormLayout;
    auto* countLabel = new QLabel(tr("&Events:"));
    countLabel->setBuddy(m_bulkCount);
    form->addRow(countLabel, m_bulkCount);
    auto* rateLabel = new QLabel(tr("R&ate:"));
    rateLabel->setBuddy(m_bulkRate);
    form->addRow(rateLabel, m_bulkRate);
    auto* windowLabel = new QLabel(tr("In &flight:"));
    windowLabel->setBuddy(m_bulkWindow);
    form->addRow(windowLabel, m_bulkWindow);
    layout->addLayout(form);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_bulkStart);
    buttons->addWidget(m_bulkCancel);
    buttons->addStretch();
    layout->addLayout(buttons);
    layout->addWidget(m_bulkProgress);
    layout->addWidget(m_bulkSummary);
    layout->addWidget(m_bulkFailures, 1);
    return tab;
}

void PublisherPage::setTransport(KafkaTransport* transport)
{
    m_publisher->setKafkaTransport(transport);
    m_bulkPublisher->setKafkaTransport(transport);
    validateNow();
}

void PublisherPage::setClusterTransport(KubeIngressTransport* transport)
{
    m_publisher->setClusterTransport(transport);
    m_bulkPublisher->setClusterTransport(transport);
    validateNow();
}

void PublisherPage::setStorageDirectory(const QString& directory)
{
    m_collectionDirectory = directory % u"/collections"_s;
    delete m_history;
    m_history = new EventHistory(directory % u"/history.json"_s, 1000, this);
    m_history->load();
    auto* old = m_historyView->selectionModel();
    m_historyView->setModel(m_history);
    delete old;
    connectHistoryView();
    m_collection = {};
    m_collectionEvents->clear();
    refreshCollectionList();
}

// The table's columns are narrow; the current row's result and trace are shown whole below it.
void PublisherPage::connectHistoryView()
{
    connect(m_historyView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &PublisherPage::updateHistoryDetail);
    connect(m_history, &QAbstractItemModel::dataChanged, this, &PublisherPage::updateHistoryDetail);
    connect(m_history, &QAbstractItemModel::modelReset, this, &PublisherPage::updateHistoryDetail);
    updateHistoryDetail();
}

void PublisherPage::updateHistoryDetail()
{
    const auto current = m_historyView->selectionModel()->currentIndex();
    if (!current.isValid() || current.row() >= m_history->rowCount()) {
        m_historyDetail->setText(tr("Select a sent event to see its result and where it went."));
        return;
    }
    const auto& entry = m_history->entry(current.row());
    QString text = entry.target.description() % u": "_s % EventHistory::resultText(entry);
    if (!entry.trace.isEmpty())
        text += u"\n"_s % entry.trace;
    m_historyDetail->setText(text);
}

void PublisherPage::setTraceText(quint64 requestId, const QString& text) { m_history->setTraceText(requestId, text); }

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
        m_broker->addItem(
            broker->key.ns % u'/' % broker->key.name % u"  ("_s % broker->brokerClass % u')', broker->key.toString());
    }
    const int index = m_broker->findData(current);
    m_broker->setCurrentIndex(index >= 0 ? index : 0);
}

void PublisherPage::selectBroker(const ObjectKey& broker)
{
    refreshBrokers();
    m_targetKind->setCurrentIndex(m_targetKind->findData(int(TargetKind::Broker)));
    const int index = m_broker->findData(broker.toString());
    if (index >= 0)
        m_broker->setCurrentIndex(index);
    validateNow();
}

void PublisherPage::setTarget(TargetKind kind, const QString& name, HttpTransport::Mode mode)
{
    m_targetKind->setCurrentIndex(m_targetKind->findData(int(kind)));
    m_httpMode->setCurrentIndex(m_httpMode->findData(int(mode)));
    switch (kind) {
    case TargetKind::Broker:
        break;
    case TargetKind::KafkaTopic:
        m_topic->setText(name);
        break;
    case TargetKind::AmqpExchange:
        m_exchange->setText(name);
        break;
    case TargetKind::HttpUrl:
        m_url->setText(name);
        break;
    }
    validateNow();
}

void PublisherPage::updateTargetWidgets()
{
    const auto kind = TargetKind(m_targetKind->currentData().toInt());
    m_targetStack->setCurrentIndex(m_targetKind->currentIndex());
    m_httpMode->setEnabled(kind == TargetKind::Broker || kind == TargetKind::HttpUrl);
}

PublishTarget PublisherPage::currentTarget(QString* problem) const
{
    const auto mode = HttpTransport::Mode(m_httpMode->currentData().toInt());
    PublishTarget target;
    switch (TargetKind(m_targetKind->currentData().toInt())) {
    case TargetKind::Broker: {
        const auto broker = m_store->find([this] {
            const auto key = m_broker->currentData().toString();
            const auto brokers = m_store->objects(ObjectKind::Broker);
            for (const auto& object : brokers) {
                if (object->key.toString() == key)
                    return object->key;
            }
            return ObjectKey {};
        }());
        if (!broker) {
            if (problem)
                *problem = tr("choose a broker");
            return {};
        }
        return PublishTarget::forBroker(*broker, m_publisher->kafkaTransport() != nullptr, mode, problem);
    }
    case TargetKind::KafkaTopic:
        target = PublishTarget::kafkaTopic(m_topic->text().trimmed());
        break;
    case TargetKind::AmqpExchange:
        target = PublishTarget::amqpExchange(m_exchange->text().trimmed());
        break;
    case TargetKind::HttpUrl:
        target = PublishTarget::http(QUrl(m_url->text().trimmed()), mode);
        break;
    }
    if (problem && target.name.isEmpty())
        *problem = tr("enter where to send the event");
    return target;
}

void PublisherPage::addExtension(const QString& name, const QString& typeName, const QString& value)
{
    const QSignalBlocker blocker(m_extensions);
    const int row = m_extensions->rowCount();
    m_extensions->insertRow(row);
    m_extensions->setItem(row, 0, new QTableWidgetItem(name));
    auto* type = new QComboBox;
    type->addItems(EventCollection::typeNames());
    type->setCurrentText(typeName);
    type->setToolTip(tr("The extension's CloudEvents type"));
    connect(type, &QComboBox::currentIndexChanged, this, &PublisherPage::scheduleValidation);
    m_extensions->setCellWidget(row, 1, type);
    m_extensions->setItem(row, 2, new QTableWidgetItem(value));
    scheduleValidation();
}

SavedEvent PublisherPage::savedEventFromComposer(const QString& name) const
{
    SavedEvent saved;
    saved.name = name;
    auto& t = saved.eventTemplate;
    const auto put = [&t](const QString& attribute, const QString& text) {
        if (!text.isEmpty())
            t.attributes.insert(attribute, text);
    };
    put(u"id"_s, m_id->text());
    put(u"source"_s, m_source->text());
    put(u"type"_s, m_type->text());
    put(u"subject"_s, m_subject->text());
    put(u"datacontenttype"_s, m_contentType->currentText().trimmed());
    put(u"dataschema"_s, m_dataSchema->text().trimmed());
    if (m_setTime->isChecked())
        put(u"time"_s, m_time->text().trimmed());
    for (int row = 0; row < m_extensions->rowCount(); ++row) {
        const auto* nameItem = m_extensions->item(row, 0);
        const auto* valueItem = m_extensions->item(row, 2);
        const auto* type = qobject_cast<QComboBox*>(m_extensions->cellWidget(row, 1));
        if (!nameItem || nameItem->text().isEmpty())
            continue;
        t.attributes.insert(nameItem->text(), valueItem ? valueItem->text() : QString());
        saved.extensionTypeNames.insert(nameItem->text(), type ? type->currentText() : u"string"_s);
    }
    saved.applyExtensionTypes();
    switch (DataMode(m_dataMode->currentData().toInt())) {
    case DataMode::Json:
        t.dataKind = CloudEvent::DataKind::Json;
        t.data = m_data->toPlainText().toUtf8();
        break;
    case DataMode::Text:
        t.dataKind = CloudEvent::DataKind::Text;
        t.data = m_data->toPlainText().toUtf8();
        break;
    case DataMode::Binary:
        t.dataKind = CloudEvent::DataKind::Binary;
        t.data = m_binaryData;
        break;
    case DataMode::None:
        break;
    }
    if (t.dataKind != CloudEvent::DataKind::Binary && t.data.trimmed().isEmpty()) {
        t.dataKind = CloudEvent::DataKind::None;
        t.data.clear();
    }
    saved.target = currentTarget();
    return saved;
}

CloudEventTemplate PublisherPage::eventTemplate() const { return savedEventFromComposer(QString()).eventTemplate; }

CloudEvent PublisherPage::event() const
{
    // A fixed seed and a sequence of 1 make the preview stable while a person types.
    TemplateEngine preview(1);
    auto expanded = preview.expand(eventTemplate(), nullptr);
    return expanded.value_or(CloudEvent {});
}

void PublisherPage::validateNow()
{
    m_validateTimer.stop();
    QHash<QString, QString> messages;
    const auto note = [&messages](const QString& field, const QString& message) {
        if (!messages.contains(field))
            messages.insert(field, message);
    };
    const auto saved = savedEventFromComposer(QString());
    const QStringList core = cloudEventCoreAttributeNames();
    const auto fieldOf = [&core](const QString& attribute) {
        return core.contains(attribute) || attribute == u"data" ? attribute : u"extensions"_s;
    };
    const auto placeholderIssues = TemplateEngine::check(saved.eventTemplate);
    for (const auto& issue : placeholderIssues) {
        const QString where = issue.field == u"data" || issue.line > 1
            ? tr("line %1, column %2: ").arg(issue.line).arg(issue.column)
            : tr("column %1: ").arg(issue.column);
        note(fieldOf(issue.field),
            (fieldOf(issue.field) == u"extensions" ? issue.field % u": "_s : QString()) % where % issue.message);
    }
    QList<TemplateIssue> expansionIssues;
    TemplateEngine preview(1);
    const auto expanded = preview.expand(saved.eventTemplate, &expansionIssues);
    for (const auto& issue : std::as_const(expansionIssues)) {
        const auto field = fieldOf(issue.field);
        note(field, (field == u"extensions" ? issue.field % u": "_s : QString()) % issue.message);
    }
    if (expanded) {
        // Before the validator's own "not valid JSON", so that the message says where.
        if (expanded->dataKind == CloudEvent::DataKind::Json) {
            if (const auto problem = jsonProblem(QString::fromUtf8(expanded->data)); !problem.isEmpty())
                note(u"data"_s, tr("not JSON: %1").arg(problem));
        }
        const auto issues = CloudEventValidator::validate(*expanded);
        for (const auto& issue : issues) {
            const auto field = fieldOf(issue.field);
            note(field, (field == u"extensions" ? issue.field % u": "_s : QString()) % issue.message);
        }
        for (auto it = saved.extensionTypeNames.constBegin(); it != saved.extensionTypeNames.constEnd(); ++it) {
            const auto value = expanded->attribute(it.key()).value_or(QString());
            if (it.value() == u"uri" && !CloudEventValidator::isValidAbsoluteUri(value))
                note(u"extensions"_s, it.key() % tr(": not an absolute URI"));
            else if (it.value() == u"uri-reference" && !CloudEventValidator::isValidUriReference(value))
                note(u"extensions"_s, it.key() % tr(": not a URI-reference"));
        }
    }
    for (int row = 0; row < m_extensions->rowCount(); ++row) {
        const auto* name = m_extensions->item(row, 0);
        if (!name || name->text().isEmpty())
            note(u"extensions"_s, tr("row %1: an extension needs a name").arg(row + 1));
    }
    if (DataMode(m_dataMode->currentData().toInt()) == DataMode::Binary && m_binaryData.isEmpty())
        note(u"data"_s, tr("load a file for binary data"));
    QString targetProblem;
    const auto target = currentTarget(&targetProblem);
    if (targetProblem.isEmpty())
        m_publisher->canPublish(target, &targetProblem);
    if (!targetProblem.isEmpty())
        note(u"target"_s, targetProblem);

    showFieldMessages(messages);
    m_problems.clear();
    QStringList order = core;
    order << u"extensions"_s << u"data"_s << u"target"_s;
    for (const auto& field : std::as_const(order)) {
        if (messages.contains(field))
            m_problems.append(field % u": "_s % messages.value(field));
    }
    m_problemLabel->setText(m_problems.isEmpty()
            ? tr("Valid event.")
            : tr("%n problem(s): fix them to send.", nullptr, int(m_problems.size())));
    m_problemLabel->setStyleSheet(m_problems.isEmpty() ? QString() : errorStyle);
    m_publish->setEnabled(m_problems.isEmpty());
    m_bulkStart->setEnabled(m_problems.isEmpty() && !m_bulk->isRunning());

    m_matches->clear();
    if (!expanded)
        return;
    const auto broker = receivingBroker(target);
    if (!broker) {
        new QListWidgetItem(tr("The target is not a broker of the mesh: no trigger to evaluate."), m_matches);
        return;
    }
    QStringList reasons;
    const auto names = evaluateMatches(*broker, *expanded, &reasons);
    for (qsizetype i = 0; i < names.size(); ++i)
        new QListWidgetItem(broker->ns % u'/' % names.at(i) % u"  \u2014  "_s % reasons.at(i), m_matches);
    if (names.isEmpty())
        new QListWidgetItem(tr("No trigger of %1/%2 accepts this event.").arg(broker->ns, broker->name), m_matches);
}

void PublisherPage::showFieldMessages(const QHash<QString, QString>& messages)
{
    m_fieldMessages = messages;
    for (auto it = m_fieldLabels.constBegin(); it != m_fieldLabels.constEnd(); ++it) {
        const auto message = messages.value(it.key());
        it.value()->setText(message);
        it.value()->setVisible(!message.isEmpty());
    }
}

QString PublisherPage::fieldMessage(const QString& field) const { return m_fieldMessages.value(field); }

std::optional<ObjectKey> PublisherPage::receivingBroker(const PublishTarget& target) const
{
    if (target.broker.isValid())
        return target.broker;
    // A topic or an ingress URL typed by hand may still be a broker of the mesh.
    const auto brokers = m_store->objects(ObjectKind::Broker);
    for (const auto& broker : brokers) {
        if ((target.kind == PublishTarget::Kind::KafkaTopic && kafkaTopicForBroker(*broker) == target.name)
            || (target.kind == PublishTarget::Kind::Http && !broker->addressUrl.isEmpty()
                && QUrl(broker->addressUrl) == QUrl(target.name)))
            return broker->key;
    }
    return std::nullopt;
}

QStringList PublisherPage::evaluateMatches(const ObjectKey& broker, const CloudEvent& event, QStringList* reasons) const
{
    QStringList names;
    const auto matched = m_filters.matchingTriggers(m_store->objects(ObjectKind::Trigger), broker, event);
    for (const auto& trigger : matched) {
        names.append(trigger->key.name);
        if (reasons)
            reasons->append(m_filters.evaluateTrigger(*trigger, event).reason);
    }
    return names;
}

QStringList PublisherPage::matchingTriggerNames() const
{
    const auto broker = receivingBroker(currentTarget());
    return broker ? evaluateMatches(*broker, event(), nullptr) : QStringList();
}

QString PublisherPage::lastResult() const
{
    return m_history->size() > 0 ? EventHistory::resultText(m_history->entry(0)) : QString();
}

quint64 PublisherPage::publish()
{
    validateNow();
    if (!m_problems.isEmpty())
        return 0;
    QList<TemplateIssue> issues;
    const auto expanded = m_engine.expand(eventTemplate(), &issues);
    if (!expanded)
        return 0;
    const auto requestId = send(currentTarget(), *expanded);
    // A fresh id for the next event, as the spec wants source+id unique; the rest of the form stays.
    if (!m_id->text().contains(u"{{"_s))
        m_id->setText(freshId());
    return requestId;
}

quint64 PublisherPage::send(const PublishTarget& target, const CloudEvent& event)
{
    const auto broker = receivingBroker(target);
    const auto matched = broker ? evaluateMatches(*broker, event, nullptr) : QStringList();
    const auto requestId = m_publisher->publish(target, event);
    m_history->add(target, event, requestId, matched);
    m_sent.insert(requestId, { broker.value_or(ObjectKey {}), event, matched });
    m_status->setText(tr("Sending %1 to %2…").arg(event.id, target.description()));
    Q_EMIT published(broker.value_or(ObjectKey {}), event, matched, requestId);
    return requestId;
}

QList<quint64> PublisherPage::resendHistoryRows(const QList<int>& rows, bool replay)
{
    QList<std::pair<PublishTarget, CloudEvent>> sends;
    std::optional<HistoryEntry::Bulk> bulk;
    // Rows are newest first; send the oldest first, in the order they went out.
    for (auto it = rows.crbegin(); it != rows.crend(); ++it) {
        if (*it < 0 || *it >= m_history->size())
            continue;
        const auto& entry = m_history->entry(*it);
        if (entry.bulk) {
            if (!bulk)
                bulk = entry.bulk;
            continue;
        }
        auto event = entry.event;
        if (replay) {
            event.id = freshId();
            if (event.time)
                event.time = QDateTime::currentDateTimeUtc();
        }
        sends.append({ entry.target, event });
    }
    QList<quint64> ids;
    for (const auto& [target, event] : std::as_const(sends))
        ids.append(send(target, event));
    if (bulk) {
        // From the row's own template: the composer keeps what is typed in it.
        QString error;
        if (startBulkFrom(bulk->source, bulk->count, bulk->ratePerSecond, bulk->window, &error))
            ids.append(m_bulkHistoryId);
        else
            m_status->setText(tr("Bulk send not started: %1").arg(error));
    }
    return ids;
}

void PublisherPage::onDelivered(quint64 requestId, const DeliveryResult& result)
{
    m_history->setResult(requestId, result);
    const int row = m_history->rowOf(requestId);
    const QString text = row >= 0 ? EventHistory::resultText(m_history->entry(row))
                                  : (result.ok ? tr("delivered") : tr("failed: %1").arg(result.error));
    m_status->setText(text);
    const auto sent = m_sent.take(requestId);
    Q_EMIT delivered(requestId, sent.broker, sent.event, sent.matchedTriggers, result);
    Q_EMIT resultShown(text);
}

void PublisherPage::loadEvent(const CloudEvent& event)
{
    SavedEvent saved;
    saved.eventTemplate = CloudEventTemplate::fromEvent(event);
    for (auto it = event.extensions.constBegin(); it != event.extensions.constEnd(); ++it)
        saved.extensionTypeNames.insert(it.key(), EventCollection::typeNameOf(it.value().typeId()));
    loadTemplate(saved);
}

void PublisherPage::loadTemplate(const SavedEvent& saved)
{
    const auto& attributes = saved.eventTemplate.attributes;
    m_id->setText(attributes.value(u"id"_s));
    m_source->setText(attributes.value(u"source"_s));
    m_type->setText(attributes.value(u"type"_s));
    m_subject->setText(attributes.value(u"subject"_s));
    m_contentType->setCurrentText(attributes.value(u"datacontenttype"_s));
    m_dataSchema->setText(attributes.value(u"dataschema"_s));
    m_setTime->setChecked(attributes.contains(u"time"_s));
    if (attributes.contains(u"time"_s))
        m_time->setText(attributes.value(u"time"_s));
    m_extensions->setRowCount(0);
    const QStringList core = cloudEventCoreAttributeNames();
    for (auto it = attributes.constBegin(); it != attributes.constEnd(); ++it) {
        if (!core.contains(it.key()))
            addExtension(it.key(), saved.extensionTypeNames.value(it.key(), u"string"_s), it.value());
    }
    switch (saved.eventTemplate.dataKind) {
    case CloudEvent::DataKind::Json:
        setDataMode(DataMode::Json);
        m_data->setPlainText(QString::fromUtf8(saved.eventTemplate.data));
        break;
    case CloudEvent::DataKind::Text:
        setDataMode(DataMode::Text);
        m_data->setPlainText(QString::fromUtf8(saved.eventTemplate.data));
        break;
    case CloudEvent::DataKind::Binary:
        setBinaryData(saved.eventTemplate.data);
        break;
    case CloudEvent::DataKind::None:
        setDataMode(DataMode::None);
        break;
    }
    if (saved.target.isValid()) {
        if (saved.target.broker.isValid())
            selectBroker(saved.target.broker);
        else if (saved.target.kind == PublishTarget::Kind::KafkaTopic)
            setTarget(TargetKind::KafkaTopic, saved.target.name);
        else if (saved.target.kind == PublishTarget::Kind::AmqpExchange)
            setTarget(TargetKind::AmqpExchange, saved.target.name);
        else
            setTarget(TargetKind::HttpUrl, saved.target.name, saved.target.httpMode);
    }
    validateNow();
}

void PublisherPage::setDataMode(DataMode mode) { m_dataMode->setCurrentIndex(m_dataMode->findData(int(mode))); }

void PublisherPage::setBinaryData(const QByteArray& bytes, const QString& origin)
{
    m_binaryData = bytes;
    m_binaryInfo->setText(origin.isEmpty() ? tr("%n byte(s) of binary data", nullptr, int(bytes.size()))
                                           : tr("%n byte(s) from %1", nullptr, int(bytes.size())).arg(origin));
    setDataMode(DataMode::Binary);
    scheduleValidation();
}

void PublisherPage::prettyPrint()
{
    const auto text = m_data->toPlainText();
    const auto problem = jsonProblem(QString::fromUtf8(event().data));
    if (!problem.isEmpty()) {
        m_status->setText(tr("Pretty-print needs valid JSON: %1").arg(problem));
        return;
    }
    m_data->setPlainText(indentJson(text));
}

void PublisherPage::chooseBinaryFile()
{
    const auto path = QFileDialog::getOpenFileName(this, tr("Binary data"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_status->setText(tr("Cannot read %1: %2").arg(path, file.errorString()));
        return;
    }
    setBinaryData(file.readAll(), QFileInfo(path).fileName());
}

bool PublisherPage::importFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = path % u": "_s % file.errorString();
        return false;
    }
    const auto bytes = file.readAll();
    QString why;
    QList<CloudEvent> events;
    if (bytes.trimmed().startsWith('[')) {
        if (auto batch = CloudEventJson::decodeBatch(bytes, &why))
            events = *batch;
    } else if (auto single = CloudEventJson::decode(bytes, &why)) {
        events.append(*single);
    }
    if (events.isEmpty()) {
        if (error)
            *error = path % u": "_s % (why.isEmpty() ? tr("the batch is empty") : why);
        return false;
    }
    loadEvent(events.constFirst());
    if (events.size() > 1) {
        for (const auto& event : std::as_const(events)) {
            SavedEvent saved;
            saved.name = event.type % u" \u00b7 "_s % event.id;
            saved.eventTemplate = CloudEventTemplate::fromEvent(event);
            for (auto it = event.extensions.constBegin(); it != event.extensions.constEnd(); ++it)
                saved.extensionTypeNames.insert(it.key(), EventCollection::typeNameOf(it.value().typeId()));
            saved.target = currentTarget();
            m_collection.events.append(saved);
            m_collectionEvents->addItem(saved.name);
        }
        if (m_collection.name.isEmpty())
            m_collection.name = QFileInfo(path).completeBaseName();
        if (m_collectionName->currentText().isEmpty())
            m_collectionName->setCurrentText(m_collection.name);
        m_tabs->setCurrentIndex(2);
    }
    m_status->setText(tr("Imported %n event(s) from %1.", nullptr, int(events.size())).arg(path));
    return true;
}

bool PublisherPage::exportEvents(const QString& path, const QList<CloudEvent>& events, QString* error)
{
    QSaveFile file(path);
    const auto bytes
        = events.size() == 1 ? CloudEventJson::encode(events.constFirst()) : CloudEventJson::encodeBatch(events);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) < 0 || !file.commit()) {
        if (error)
            *error = path % u": "_s % file.errorString();
        return false;
    }
    m_status->setText(tr("Exported %n event(s) to %1.", nullptr, int(events.size())).arg(path));
    return true;
}

void PublisherPage::chooseImportFile()
{
    const auto path = QFileDialog::getOpenFileName(
        this, tr("Import CloudEvents"), QString(), tr("CloudEvents JSON (*.json);;All files (*)"));
    QString error;
    if (!path.isEmpty() && !importFile(path, &error))
        m_status->setText(error);
}

void PublisherPage::chooseExportFile()
{
    validateNow();
    const auto path = QFileDialog::getSaveFileName(
        this, tr("Export the event"), QString(), tr("CloudEvents JSON (*.json);;All files (*)"));
    QString error;
    if (!path.isEmpty() && !exportEvents(path, { event() }, &error))
        m_status->setText(error);
}

QStringList PublisherPage::collectionNames() const { return EventCollection::names(m_collectionDirectory); }

void PublisherPage::refreshCollectionList()
{
    const auto current = m_collectionName->currentText();
    const QSignalBlocker blocker(m_collectionName);
    m_collectionName->clear();
    m_collectionName->addItems(collectionNames());
    m_collectionName->setCurrentText(current);
}

bool PublisherPage::openCollection(const QString& name, QString* error)
{
    auto loaded = EventCollection::load(m_collectionDirectory, name, error);
    if (!loaded)
        return false;
    m_collection = *loaded;
    m_collectionEvents->clear();
    for (const auto& saved : std::as_const(m_collection.events))
        m_collectionEvents->addItem(saved.name);
    m_collectionName->setCurrentText(m_collection.name);
    return true;
}

void PublisherPage::addToCollection(const QString& eventName)
{
    const auto name = eventName.isEmpty() ? m_type->text() : eventName;
    m_collection.events.append(savedEventFromComposer(name));
    m_collectionEvents->addItem(name);
}

bool PublisherPage::saveCollection(const QString& name, QString* error)
{
    m_collection.name = name.trimmed();
    if (!m_collection.save(m_collectionDirectory, error))
        return false;
    refreshCollectionList();
    m_collectionName->setCurrentText(m_collection.name);
    return true;
}

bool PublisherPage::startBulk(qint64 count, double ratePerSecond, int window, QString* error)
{
    validateNow();
    if (!m_problems.isEmpty()) {
        if (error)
            *error = m_problems.constFirst();
        return false;
    }
    SavedEvent source = savedEventFromComposer(QString());
    source.target = currentTarget();
    return startBulkFrom(source, count, ratePerSecond, window, error);
}

bool PublisherPage::startBulkFrom(
    const SavedEvent& source, qint64 count, double ratePerSecond, int window, QString* error)
{
    BulkSender::Options options;
    options.count = count;
    options.ratePerSecond = ratePerSecond;
    options.window = window;
    if (!m_bulk->start(source.eventTemplate, source.target, options, error))
        return false;
    m_bulkFailures->clear();
    HistoryEntry::Bulk bulk;
    bulk.source = source;
    bulk.count = count;
    bulk.ratePerSecond = ratePerSecond;
    bulk.window = window;
    m_bulkHistoryId = (quint64(1) << 63) | ++m_bulkRuns;
    // The first event as the history shows it: the template's expansion with sequence 1.
    TemplateEngine first(1);
    m_history->addBulk(
        source.target, bulk, first.expand(source.eventTemplate, nullptr).value_or(CloudEvent {}), m_bulkHistoryId);
    m_bulkProgress->setMaximum(int(std::min<qint64>(count, std::numeric_limits<int>::max())));
    m_bulkProgress->setValue(0);
    m_bulkSummary->setText(tr("Sending %1 events to %2…").arg(count).arg(source.target.description()));
    m_bulkStart->setEnabled(false);
    m_bulkCancel->setEnabled(true);
    m_tabs->setCurrentIndex(3);
    return true;
}

void PublisherPage::cancelBulk() { m_bulk->cancel(); }

void PublisherPage::onBulkFinished(const BulkSummary& summary)
{
    m_history->setBulkResult(m_bulkHistoryId, summary.sent, summary.failed, summary.cancelled, summary.text());
    m_bulkSummary->setText(summary.text());
    m_bulkFailures->clear();
    for (auto it = summary.failureReasons.constBegin(); it != summary.failureReasons.constEnd(); ++it)
        m_bulkFailures->addItem(tr("%n event(s): %1", nullptr, int(it.value())).arg(it.key()));
    for (const auto& failure : summary.failures)
        m_bulkFailures->addItem(tr("#%1: %2").arg(failure.sequence).arg(failure.reason));
    m_bulkCancel->setEnabled(false);
    m_bulkStart->setEnabled(m_problems.isEmpty());
    m_status->setText(tr("Bulk send finished: %1").arg(summary.text()));
    Q_EMIT bulkFinished(summary);
}
