// SPDX-License-Identifier: Apache-2.0
#include "triggereditorpage.h"

#include "draftvalidator.h"
#include "manifestparser.h"
#include "objectstore.h"
#include "yamlhighlighter.h"

#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QStyle>
#include <QTextBlock>
#include <QVBoxLayout>

namespace {
const char* const newTriggerTemplate = R"(apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: billing-process-trigger
  namespace: serverless-apps
spec:
  broker: default-event-broker
  filter:
    attributes:
      type: com.shivamitcs.billing.started
  subscriber:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: billing-worker-service
)";

constexpr int lineRole = Qt::UserRole + 1;
constexpr int columnRole = Qt::UserRole + 2;
} // namespace

TriggerEditorPage::TriggerEditorPage(const ObjectStore* store, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_editor(new QPlainTextEdit)
    , m_issueList(new QListWidget)
    , m_fileLabel(new QLabel)
    , m_applyButton(new QPushButton(tr("Dry run && &apply…")))
    , m_deleteButton(new QPushButton(tr("&Delete from cluster…")))
{
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setTabChangesFocus(false);
    m_editor->setAccessibleName(tr("Trigger YAML"));
    new YamlHighlighter(m_editor->document());
    m_issueList->setAccessibleName(tr("Validation messages"));
    m_fileLabel->setTextFormat(Qt::PlainText);

    auto* newButton = new QPushButton(tr("&New"));
    auto* openButton = new QPushButton(tr("&Open…"));
    auto* saveButton = new QPushButton(tr("&Save"));
    auto* saveAsButton = new QPushButton(tr("Save &As…"));
    newButton->setToolTip(tr("Start a new trigger from a template"));
    saveButton->setToolTip(tr("Save the YAML to its file (Ctrl+S)"));
    saveButton->setShortcut(QKeySequence::Save);
    auto* buttons = new QHBoxLayout;
    for (auto* button : { newButton, openButton, saveButton, saveAsButton })
        buttons->addWidget(button);
    buttons->addWidget(m_fileLabel, 1);
    m_applyButton->setShortcut(QKeySequence(tr("Ctrl+Return")));
    buttons->addWidget(m_applyButton);
    buttons->addWidget(m_deleteButton);
    setClusterAvailable(false);

    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_editor);
    splitter->addWidget(m_issueList);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(splitter, 1);

    m_validateTimer.setSingleShot(true);
    m_validateTimer.setInterval(150);
    connect(&m_validateTimer, &QTimer::timeout, this, &TriggerEditorPage::validate);
    connect(m_editor, &QPlainTextEdit::textChanged, &m_validateTimer, qOverload<>(&QTimer::start));
    connect(m_issueList, &QListWidget::itemActivated, this,
        [this](QListWidgetItem* item) { jumpTo(item->data(lineRole).toInt(), item->data(columnRole).toInt()); });
    connect(newButton, &QPushButton::clicked, this, &TriggerEditorPage::newTrigger);
    connect(openButton, &QPushButton::clicked, this, &TriggerEditorPage::open);
    connect(saveButton, &QPushButton::clicked, this, &TriggerEditorPage::save);
    connect(saveAsButton, &QPushButton::clicked, this, &TriggerEditorPage::saveAs);
    connect(m_applyButton, &QPushButton::clicked, this, [this] { Q_EMIT applyRequested(text(), m_fileName); });
    connect(m_deleteButton, &QPushButton::clicked, this, &TriggerEditorPage::requestDelete);
    // Validation knows brokers and addressable objects; scaling updates change neither.
    connect(store, &ObjectStore::changed, this, [this](const ObjectChangeBatch& batch) {
        if (batchTouches(batch,
                { ObjectKind::Broker, ObjectKind::KnativeService, ObjectKind::Service, ObjectKind::Channel,
                    ObjectKind::InMemoryChannel, ObjectKind::KafkaChannel, ObjectKind::Sequence,
                    ObjectKind::Parallel }))
            m_validateTimer.start();
    });

    newTrigger();
}

void TriggerEditorPage::setText(const QString& text, const QString& fileName)
{
    m_fileName = fileName;
    m_fileLabel->setText(fileName.isEmpty() ? tr("(not saved)") : fileName);
    m_editor->setPlainText(text);
    validate();
}

QString TriggerEditorPage::text() const { return m_editor->toPlainText(); }

void TriggerEditorPage::newTrigger() { setText(QString::fromUtf8(newTriggerTemplate)); }

void TriggerEditorPage::editObject(const ObjectKey& key)
{
    const auto object = m_store->find(key);
    if (!object)
        return;
    auto raw = object->raw;
    raw.remove(QStringLiteral("status"));
    auto metadata = raw.value(QStringLiteral("metadata")).toObject();
    for (const auto* generated : { "managedFields", "resourceVersion", "uid", "generation", "creationTimestamp" })
        metadata.remove(QLatin1StringView(generated));
    raw.insert(QStringLiteral("metadata"), metadata);
    setText(ManifestParser::toYaml(raw), object->location.file.startsWith(u':') ? QString() : object->location.file);
}

bool TriggerEditorPage::openFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot open %1: %2").arg(path, file.errorString());
        return false;
    }
    setText(QString::fromUtf8(file.readAll()), path);
    return true;
}

bool TriggerEditorPage::saveFile(const QString& path, QString* error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text().toUtf8()) < 0 || !file.commit()) {
        *error = tr("Cannot save %1: %2").arg(path, file.errorString());
        return false;
    }
    m_fileName = path;
    m_fileLabel->setText(path);
    return true;
}

void TriggerEditorPage::open()
{
    const auto path = QFileDialog::getOpenFileName(
        this, tr("Open trigger YAML"), QString(), tr("YAML files (*.yaml *.yml);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!openFile(path, &error))
        QMessageBox::warning(this, tr("Open trigger"), error);
}

void TriggerEditorPage::save()
{
    if (m_fileName.isEmpty()) {
        saveAs();
        return;
    }
    QString error;
    if (!saveFile(m_fileName, &error))
        QMessageBox::warning(this, tr("Save trigger"), error);
}

void TriggerEditorPage::saveAs()
{
    const auto path = QFileDialog::getSaveFileName(this, tr("Save trigger YAML"),
        m_fileName.isEmpty() ? QStringLiteral("trigger.yaml") : m_fileName, tr("YAML files (*.yaml *.yml)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveFile(path, &error))
        QMessageBox::warning(this, tr("Save trigger"), error);
}

void TriggerEditorPage::validate()
{
    QStringList brokers;
    QSet<QString> addressables;
    const auto objects = m_store->objects();
    for (const auto& object : objects) {
        if (object->kind == ObjectKind::Broker)
            brokers.append(object->key.ns % u'/' % object->key.name);
        addressables.insert(object->key.toString());
    }
    const QString name = m_fileName.isEmpty() ? tr("draft.yaml") : m_fileName;
    m_issues = DraftValidator::validateTrigger(text().toUtf8(), name, brokers, addressables);

    m_issueList->clear();
    QList<QTextEdit::ExtraSelection> marks;
    for (const auto& issue : std::as_const(m_issues)) {
        const bool error = issue.severity == SourceIssue::Severity::Error;
        auto* item = new QListWidgetItem(
            style()->standardIcon(error ? QStyle::SP_MessageBoxCritical : QStyle::SP_MessageBoxWarning),
            (error ? tr("Error") : tr("Warning")) % QStringLiteral(" ") % issue.toString(), m_issueList);
        item->setData(lineRole, issue.location.line);
        item->setData(columnRole, issue.location.column);
        if (issue.location.line <= 0)
            continue;
        QTextEdit::ExtraSelection mark;
        const auto block = m_editor->document()->findBlockByNumber(issue.location.line - 1);
        mark.cursor = QTextCursor(block);
        mark.cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        mark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        mark.format.setUnderlineColor(error ? QColor(0xd3, 0x2f, 0x2f) : QColor(0xf5, 0x7c, 0x00));
        mark.format.setToolTip(issue.message);
        marks.append(mark);
    }
    if (m_issues.isEmpty())
        new QListWidgetItem(style()->standardIcon(QStyle::SP_DialogApplyButton), tr("Valid trigger"), m_issueList);
    m_editor->setExtraSelections(marks);
    Q_EMIT validated(m_issues);
}

void TriggerEditorPage::setClusterAvailable(bool available, const QString& context)
{
    m_applyButton->setEnabled(available);
    m_deleteButton->setEnabled(available);
    const QString where = available ? tr("to context \"%1\"").arg(context) : tr("(connect to a cluster first)");
    m_applyButton->setToolTip(
        tr("Server-side dry run, diff against the live object, then apply %1 (Ctrl+Return)").arg(where));
    m_deleteButton->setToolTip(tr("Delete the object this YAML names %1, after confirmation").arg(where));
}

void TriggerEditorPage::requestDelete()
{
    const auto parsed = ManifestParser::parseYaml(text().toUtf8(), m_fileName);
    if (parsed.objects.isEmpty()) {
        jumpTo(parsed.issues.isEmpty() ? 1 : parsed.issues.first().location.line,
            parsed.issues.isEmpty() ? 1 : parsed.issues.first().location.column);
        return;
    }
    Q_EMIT deleteRequested(parsed.objects.first()->key, parsed.objects.first()->apiVersion);
}

void TriggerEditorPage::jumpTo(int line, int column)
{
    if (line <= 0)
        return;
    const auto block = m_editor->document()->findBlockByNumber(line - 1);
    QTextCursor cursor(block);
    cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor, std::max(0, column - 1));
    m_editor->setTextCursor(cursor);
    m_editor->setFocus();
}
