// SPDX-License-Identifier: Apache-2.0
#include "triggereditorpage.h"

#include "draftvalidator.h"
#include "manifestparser.h"
#include "matchpreviewpane.h"
#include "objectstore.h"
#include "triggerform.h"
#include "yamlhighlighter.h"

#include <QDateTime>
#include <QPlainTextDocumentLayout>
#include <QRegularExpression>
#include <QTabBar>
#include <QToolButton>

#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QKeyEvent>
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

constexpr auto autosaveDelay = std::chrono::milliseconds(400);

QString stripDocumentMarkers(QString text)
{
    static const QRegularExpression leading(QStringLiteral("^(\\s*---[^\\n]*\\n)+"));
    text.remove(leading);
    if (!text.isEmpty() && !text.endsWith(u'\n'))
        text.append(u'\n');
    return text;
}

// A Kubernetes name from two names, for a trigger drawn between them.
QString triggerNameFor(const QString& broker, const QString& subscriber)
{
    QString name = subscriber % QStringLiteral("-from-") % broker;
    name = name.left(63);
    while (!name.isEmpty() && !name.back().isLetterOrNumber())
        name.chop(1);
    return name;
}

constexpr int lineRole = Qt::UserRole + 1;
constexpr int columnRole = Qt::UserRole + 2;
} // namespace

TriggerEditorPage::TriggerEditorPage(const ObjectStore* store, QWidget* parent, const QString& draftDirectory)
    : QWidget(parent)
    , m_store(store)
    , m_draftStore(draftDirectory)
    , m_tabs(new QTabBar)
    , m_editor(new QPlainTextEdit)
    , m_columns(new QSplitter(Qt::Horizontal))
    , m_form(new TriggerForm)
    , m_preview(new MatchPreviewPane)
    , m_issueList(new QListWidget)
    , m_fileLabel(new QLabel)
    , m_undoButton(new QToolButton)
    , m_redoButton(new QToolButton)
    , m_applyButton(new QPushButton(tr("Dry run && &apply…")))
    , m_deleteButton(new QPushButton(tr("&Delete from cluster…")))
{
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setTabChangesFocus(false);
    m_editor->installEventFilter(this);
    m_editor->setAccessibleName(tr("Trigger YAML"));
    m_editor->setToolTip(tr("Tab indents by two spaces (YAML allows no tab characters); Ctrl+Tab and "
                            "Ctrl+Shift+Tab move the focus on and back"));
    m_issueList->setAccessibleName(tr("Validation messages"));
    m_fileLabel->setTextFormat(Qt::PlainText);
    m_tabs->setTabsClosable(true);
    m_tabs->setExpanding(false);
    m_tabs->setDocumentMode(true);
    m_tabs->setAccessibleName(tr("Drafts"));

    auto* newButton = new QPushButton(tr("&New"));
    auto* openButton = new QPushButton(tr("&Open…"));
    auto* saveButton = new QPushButton(tr("&Save"));
    auto* saveAsButton = new QPushButton(tr("Save &As…"));
    auto* exportButton = new QPushButton(tr("E&xport all…"));
    newButton->setToolTip(tr("Start a new trigger draft from a template (Ctrl+N)"));
    newButton->setShortcut(QKeySequence::New);
    saveButton->setToolTip(tr("Save the YAML to its file (Ctrl+S)"));
    saveButton->setShortcut(QKeySequence::Save);
    exportButton->setToolTip(tr("Write every open draft into one multi-document YAML file for kubectl apply -f"));
    m_undoButton->setText(tr("Undo"));
    m_undoButton->setToolTip(tr("Undo the last change, made in the YAML, the form or the graph (Ctrl+Z)"));
    m_redoButton->setText(tr("Redo"));
    m_redoButton->setToolTip(tr("Redo (Ctrl+Shift+Z)"));
    auto* buttons = new QHBoxLayout;
    for (auto* button : { newButton, openButton, saveButton, saveAsButton, exportButton })
        buttons->addWidget(button);
    buttons->addWidget(m_undoButton);
    buttons->addWidget(m_redoButton);
    buttons->addWidget(m_fileLabel, 1);
    m_applyButton->setShortcut(QKeySequence(tr("Ctrl+Return")));
    buttons->addWidget(m_applyButton);
    buttons->addWidget(m_deleteButton);
    setClusterAvailable(false);

    // The form on the left; the text, its messages and the match preview stacked on the right.
    auto* textColumn = new QSplitter(Qt::Vertical);
    textColumn->setObjectName(QStringLiteral("editorTextSplitter"));
    textColumn->addWidget(m_editor);
    textColumn->addWidget(m_issueList);
    textColumn->addWidget(m_preview);
    textColumn->setStretchFactor(0, 4);
    textColumn->setStretchFactor(1, 1);
    textColumn->setStretchFactor(2, 3);
    m_form->setStore(store);
    m_preview->setStore(store);
    m_columns->addWidget(m_form);
    m_columns->addWidget(textColumn);
    m_columns->setObjectName(QStringLiteral("editorColumns"));
    m_columns->setStretchFactor(0, 1);
    m_columns->setStretchFactor(1, 1);
    m_columns->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_tabs);
    layout->addWidget(m_columns, 1);

    m_validateTimer.setSingleShot(true);
    m_validateTimer.setInterval(150);
    m_autosaveTimer.setSingleShot(true);
    m_autosaveTimer.setInterval(autosaveDelay);
    connect(&m_validateTimer, &QTimer::timeout, this, &TriggerEditorPage::validate);
    connect(&m_autosaveTimer, &QTimer::timeout, this, &TriggerEditorPage::saveDraftsToStore);
    connect(m_editor, &QPlainTextEdit::textChanged, &m_validateTimer, qOverload<>(&QTimer::start));
    connect(m_editor, &QPlainTextEdit::undoAvailable, m_undoButton, &QWidget::setEnabled);
    connect(m_editor, &QPlainTextEdit::redoAvailable, m_redoButton, &QWidget::setEnabled);
    connect(m_undoButton, &QToolButton::clicked, m_editor, &QPlainTextEdit::undo);
    connect(m_redoButton, &QToolButton::clicked, m_editor, &QPlainTextEdit::redo);
    connect(m_issueList, &QListWidget::itemActivated, this,
        [this](QListWidgetItem* item) { jumpTo(item->data(lineRole).toInt(), item->data(columnRole).toInt()); });
    connect(m_tabs, &QTabBar::currentChanged, this, &TriggerEditorPage::setCurrentDraft);
    connect(m_tabs, &QTabBar::tabCloseRequested, this, [this](int index) { closeDraft(index); });
    connect(newButton, &QPushButton::clicked, this, &TriggerEditorPage::newTrigger);
    connect(openButton, &QPushButton::clicked, this, &TriggerEditorPage::open);
    connect(saveButton, &QPushButton::clicked, this, &TriggerEditorPage::save);
    connect(saveAsButton, &QPushButton::clicked, this, &TriggerEditorPage::saveAs);
    connect(exportButton, &QPushButton::clicked, this, &TriggerEditorPage::exportAll);
    connect(m_applyButton, &QPushButton::clicked, this, [this] { Q_EMIT applyRequested(text(), fileName()); });
    connect(m_deleteButton, &QPushButton::clicked, this, &TriggerEditorPage::requestDelete);
    // Validation knows brokers and addressable objects; scaling updates change neither.
    connect(store, &ObjectStore::changed, this, [this](const ObjectChangeBatch& batch) {
        if (batchTouches(batch,
                { ObjectKind::Broker, ObjectKind::KnativeService, ObjectKind::Service, ObjectKind::Channel,
                    ObjectKind::InMemoryChannel, ObjectKind::KafkaChannel, ObjectKind::Sequence,
                    ObjectKind::Parallel }))
            m_validateTimer.start();
    });

    QStringList problems;
    const auto drafts = m_draftStore.load(&problems);
    for (const auto& problem : std::as_const(problems))
        qWarning("%s", qUtf8Printable(problem));
    for (const auto& draft : drafts) {
        const int index = addDraft(draft.text, draft.fileName, draft.id, draft.createdMs);
        // Whether the draft still matches its file is decided by the file, not by the draft.
        if (!draft.fileName.isEmpty()) {
            QFile file(draft.fileName);
            if (file.open(QIODevice::ReadOnly))
                m_drafts[index].savedText = QString::fromUtf8(file.readAll());
        }
        updateTabTitle(index);
    }
    if (m_drafts.isEmpty())
        newTrigger();
    else
        setCurrentDraft(0);
}

bool TriggerEditorPage::eventFilter(QObject* watched, QEvent* event)
{
    if (watched != m_editor || event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    const auto* key = static_cast<QKeyEvent*>(event);
    const bool control = key->modifiers() & Qt::ControlModifier;
    if (key->key() == Qt::Key_Tab && !control && !(key->modifiers() & Qt::ShiftModifier)) {
        auto cursor = m_editor->textCursor();
        cursor.insertText(cursor.positionInBlock() % 2 ? QStringLiteral(" ") : QStringLiteral("  "));
        return true;
    }
    if (control && (key->key() == Qt::Key_Tab || key->key() == Qt::Key_Backtab)) {
        focusNextPrevChild(key->key() == Qt::Key_Tab && !(key->modifiers() & Qt::ShiftModifier));
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

TriggerEditorPage::~TriggerEditorPage()
{
    flushDrafts();
    // The editor must not outlive the documents it shows.
    m_editor->setDocument(nullptr);
}

int TriggerEditorPage::addDraft(const QString& text, const QString& fileName, const QString& id, qint64 createdMs)
{
    DraftState draft;
    draft.id = id.isEmpty() ? DraftStore::newId() : id;
    draft.fileName = fileName;
    draft.savedText = fileName.isEmpty() ? QString() : text;
    draft.createdMs = createdMs > 0 ? createdMs : QDateTime::currentMSecsSinceEpoch();
    draft.document = new QTextDocument(this);
    draft.document->setDocumentLayout(new QPlainTextDocumentLayout(draft.document));
    draft.document->setDefaultFont(m_editor->font());
    draft.document->setPlainText(text);
    new YamlHighlighter(draft.document);
    // A new draft is saved at once, so that even one never edited comes back.
    draft.pendingSave = id.isEmpty();
    QTextDocument* document = draft.document;
    connect(document, &QTextDocument::contentsChanged, this, [this, document] {
        for (int i = 0; i < m_drafts.size(); ++i) {
            if (m_drafts.at(i).document == document) {
                m_drafts[i].pendingSave = true;
                updateTabTitle(i);
            }
        }
        m_autosaveTimer.start();
    });
    m_drafts.append(draft);
    const int index = int(m_drafts.size()) - 1;
    {
        const QSignalBlocker blocker(m_tabs);
        m_tabs->addTab(QString());
    }
    updateTabTitle(index);
    if (draft.pendingSave)
        m_autosaveTimer.start();
    return index;
}

void TriggerEditorPage::setCurrentDraft(int index)
{
    if (index < 0 || index >= m_drafts.size())
        return;
    const bool changed = index != m_current || m_editor->document() != m_drafts.at(index).document;
    m_current = index;
    if (m_tabs->currentIndex() != index) {
        const QSignalBlocker blocker(m_tabs);
        m_tabs->setCurrentIndex(index);
    }
    if (!changed)
        return;
    auto* document = m_drafts.at(index).document;
    m_editor->setDocument(document);
    m_form->setDocument(document);
    m_undoButton->setEnabled(document->isUndoAvailable());
    m_redoButton->setEnabled(document->isRedoAvailable());
    updateFileLabel();
    validate();
    Q_EMIT currentDraftChanged(document);
}

QString TriggerEditorPage::draftTitle(int index) const
{
    return index >= 0 && index < m_drafts.size() ? titleOf(m_drafts.at(index)) : QString();
}

QString TriggerEditorPage::draftText(int index) const
{
    return index >= 0 && index < m_drafts.size() ? m_drafts.at(index).document->toPlainText() : QString();
}

QString TriggerEditorPage::titleOf(const DraftState& draft) const
{
    static const QRegularExpression name(
        QStringLiteral("^metadata:[^\\n]*\\n(?:[ \\t]+[^\\n]*\\n)*?[ \\t]+name:[ \\t]*[\"']?([A-Za-z0-9.-]+)"),
        QRegularExpression::MultilineOption);
    const auto match = name.match(draft.document->toPlainText());
    return match.hasMatch() ? match.captured(1) : tr("untitled");
}

void TriggerEditorPage::updateTabTitle(int index)
{
    const auto& draft = m_drafts.at(index);
    const bool unsaved = draft.fileName.isEmpty() || draft.document->toPlainText() != draft.savedText;
    const QString title = titleOf(draft);
    m_tabs->setTabText(index, unsaved ? title + QStringLiteral(" •") : title);
    m_tabs->setTabToolTip(index,
        (draft.fileName.isEmpty() ? tr("Draft, not saved to a file") : draft.fileName)
            + (unsaved && !draft.fileName.isEmpty() ? tr(" (changed)") : QString())
            + tr("\nKept across restarts until you close it."));
}

void TriggerEditorPage::updateFileLabel()
{
    const QString file = fileName();
    m_fileLabel->setText(file.isEmpty() ? tr("(not saved to a file)") : file);
}

bool TriggerEditorPage::closeDraft(int index, bool ask)
{
    if (index < 0 || index >= m_drafts.size())
        return false;
    const auto& draft = m_drafts.at(index);
    if (ask && draft.document->toPlainText() != draft.savedText) {
        const auto answer = QMessageBox::question(this, tr("Close draft"),
            tr("Discard the draft \"%1\"? It is not saved to a file.").arg(titleOf(draft)),
            QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Discard)
            return false;
    }
    m_draftStore.remove(draft.id);
    auto* document = draft.document;
    m_drafts.removeAt(index);
    {
        const QSignalBlocker blocker(m_tabs);
        m_tabs->removeTab(index);
    }
    if (m_drafts.isEmpty()) {
        m_current = -1;
        newTrigger();
    } else {
        m_current = -1;
        setCurrentDraft(std::min(index, int(m_drafts.size()) - 1));
    }
    document->deleteLater();
    Q_EMIT draftsChanged();
    return true;
}

void TriggerEditorPage::saveDraftsToStore()
{
    const auto now = QDateTime::currentMSecsSinceEpoch();
    for (auto& draft : m_drafts) {
        if (!draft.pendingSave)
            continue;
        QString error;
        if (m_draftStore.save(
                { draft.id, titleOf(draft), draft.fileName, draft.document->toPlainText(), draft.createdMs, now },
                &error))
            draft.pendingSave = false;
        else
            qWarning("%s", qUtf8Printable(error));
    }
}

void TriggerEditorPage::flushDrafts()
{
    m_autosaveTimer.stop();
    saveDraftsToStore();
}

QTextDocument* TriggerEditorPage::document() const
{
    return m_current >= 0 ? m_drafts.at(m_current).document : nullptr;
}

void TriggerEditorPage::setText(const QString& text, const QString& fileName)
{
    auto& draft = m_drafts[m_current];
    draft.fileName = fileName;
    draft.savedText = fileName.isEmpty() ? QString() : text;
    draft.document->setPlainText(text);
    updateTabTitle(m_current);
    updateFileLabel();
    validate();
}

QString TriggerEditorPage::text() const { return m_current >= 0 ? document()->toPlainText() : QString(); }

QString TriggerEditorPage::fileName() const { return m_current >= 0 ? m_drafts.at(m_current).fileName : QString(); }

void TriggerEditorPage::newTrigger() { setCurrentDraft(addDraft(QString::fromUtf8(newTriggerTemplate), {})); }

void TriggerEditorPage::newTriggerFor(
    const ObjectKey& broker, const ObjectKey& subscriber, const QString& subscriberApiVersion)
{
    QString yaml = QStringLiteral("apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: %1\n"
                                  "  namespace: %2\nspec:\n  broker: %3\n  subscriber:\n    ref:\n"
                                  "      apiVersion: %4\n      kind: %5\n      name: %6\n")
                       .arg(triggerNameFor(broker.name, subscriber.name), broker.ns, broker.name, subscriberApiVersion,
                           subscriber.kind, subscriber.name);
    if (subscriber.ns != broker.ns)
        yaml += QStringLiteral("      namespace: %1\n").arg(subscriber.ns);
    setCurrentDraft(addDraft(yaml, {}));
}

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
    const QString text = ManifestParser::toYaml(raw);
    const QString file = object->location.file.startsWith(u':') ? QString() : object->location.file;
    for (int i = 0; i < m_drafts.size(); ++i) {
        if (m_drafts.at(i).document->toPlainText() == text) {
            setCurrentDraft(i);
            return;
        }
    }
    setCurrentDraft(addDraft(text, file));
}

bool TriggerEditorPage::openFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot open %1: %2").arg(path, file.errorString());
        return false;
    }
    setCurrentDraft(addDraft(QString::fromUtf8(file.readAll()), path));
    return true;
}

bool TriggerEditorPage::saveFile(const QString& path, QString* error)
{
    const QString content = text();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content.toUtf8()) < 0 || !file.commit()) {
        *error = tr("Cannot save %1: %2").arg(path, file.errorString());
        return false;
    }
    auto& draft = m_drafts[m_current];
    draft.fileName = path;
    draft.savedText = content;
    draft.pendingSave = true;
    m_autosaveTimer.start();
    updateTabTitle(m_current);
    updateFileLabel();
    return true;
}

bool TriggerEditorPage::exportDrafts(const QString& path, QString* error) const
{
    QString content;
    for (const auto& draft : m_drafts) {
        if (!content.isEmpty())
            content += QStringLiteral("---\n");
        content += stripDocumentMarkers(draft.document->toPlainText());
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content.toUtf8()) < 0 || !file.commit()) {
        *error = tr("Cannot export to %1: %2").arg(path, file.errorString());
        return false;
    }
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
    if (fileName().isEmpty()) {
        saveAs();
        return;
    }
    QString error;
    if (!saveFile(fileName(), &error))
        QMessageBox::warning(this, tr("Save trigger"), error);
}

void TriggerEditorPage::saveAs()
{
    const QString current = fileName();
    const auto path = QFileDialog::getSaveFileName(this, tr("Save trigger YAML"),
        current.isEmpty() ? draftTitle(m_current) + QStringLiteral(".yaml") : current, tr("YAML files (*.yaml *.yml)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveFile(path, &error))
        QMessageBox::warning(this, tr("Save trigger"), error);
}

void TriggerEditorPage::exportAll()
{
    const auto path = QFileDialog::getSaveFileName(
        this, tr("Export all drafts"), QStringLiteral("triggers.yaml"), tr("YAML files (*.yaml *.yml)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportDrafts(path, &error))
        QMessageBox::warning(this, tr("Export drafts"), error);
}

void TriggerEditorPage::setSchema(const CrdSchema& schema)
{
    m_schema = schema;
    validate();
}

void TriggerEditorPage::addSampleEvents(const QList<CloudEvent>& events) { m_preview->addSamples(events); }

void TriggerEditorPage::validate()
{
    if (m_current < 0)
        return;
    QStringList brokers;
    QSet<QString> addressables;
    const auto objects = m_store->objects();
    for (const auto& object : objects) {
        if (object->kind == ObjectKind::Broker)
            brokers.append(object->key.ns % u'/' % object->key.name);
        addressables.insert(object->key.toString());
    }
    const QString name = fileName().isEmpty() ? tr("draft.yaml") : fileName();
    const QByteArray yaml = text().toUtf8();
    // The preview and the immutability check need the trigger as parsed; both skip a draft that does not parse.
    const auto parsed = ManifestParser::parseYaml(yaml, name);
    KnativeObjectPtr trigger;
    for (const auto& object : parsed.objects) {
        if (object->kind == ObjectKind::Trigger) {
            trigger = object;
            break;
        }
    }
    std::optional<QString> liveBroker;
    if (trigger) {
        if (const auto live = m_store->find(trigger->key); live && live->kind == ObjectKind::Trigger)
            liveBroker = live->broker;
    }
    m_issues = DraftValidator::validateTrigger(
        yaml, name, brokers, addressables, m_schema.isNull() ? nullptr : &m_schema, liveBroker);
    m_preview->setDraft(trigger);

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
    Q_EMIT draftsChanged();
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
    const auto parsed = ManifestParser::parseYaml(text().toUtf8(), fileName());
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
