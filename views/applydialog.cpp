// SPDX-License-Identifier: Apache-2.0
#include "applydialog.h"

#include "diffhighlighter.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
constexpr int LocationRole = Qt::UserRole;

QString describeManager(const ApplyConflict& conflict)
{
    QString text = u'"' + conflict.manager + u'"';
    if (!conflict.apiVersion.isEmpty())
        text += ApplyDialog::tr(" (update with %1)").arg(conflict.apiVersion);
    if (!conflict.subresource.isEmpty())
        text += ApplyDialog::tr(" through the %1 subresource").arg(conflict.subresource);
    return text;
}
} // namespace

ApplyDialog::ApplyDialog(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Apply to cluster"));
    resize(760, 560);

    auto* target = new QFormLayout;
    m_context = new QLabel;
    m_namespace = new QLabel;
    m_object = new QLabel;
    for (QLabel* label : { m_context, m_namespace, m_object })
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    target->addRow(tr("Context:"), m_context);
    target->addRow(tr("Namespace:"), m_namespace);
    target->addRow(tr("Object:"), m_object);

    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setAccessibleName(tr("Apply status"));

    m_diff = new QPlainTextEdit;
    m_diff->setReadOnly(true);
    m_diff->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_diff->setTabChangesFocus(true);
    m_diff->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_diff->setAccessibleName(tr("Changes"));
    m_diff->setPlaceholderText(tr("The changes appear here after the server's dry run."));
    m_highlighter = new DiffHighlighter(m_diff->document());

    m_problems = new QListWidget;
    m_problems->setAccessibleName(tr("Problems"));
    m_problems->setWordWrap(true);
    m_problems->setMaximumHeight(120);
    m_problems->hide();
    connect(m_problems, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        const auto location = item->data(LocationRole).value<SourceLocation>();
        if (location.line > 0)
            Q_EMIT locationActivated(location);
    });

    m_conflictExplanation = new QLabel(
        tr("Other field managers own these fields. Force apply makes Meshscope (field manager \"%1\") their "
           "owner and sets them as the document says; the other tool may set them back the next time it applies. "
           "To leave them to their owner, remove them from the document instead.")
            .arg(KubeApplier::fieldManager));
    m_conflictExplanation->setWordWrap(true);
    m_conflictExplanation->hide();
    m_conflicts = new QListWidget;
    m_conflicts->setAccessibleName(tr("Fields owned by other managers"));
    m_conflicts->setMaximumHeight(120);
    m_conflicts->hide();

    auto* buttons = new QDialogButtonBox;
    m_apply = buttons->addButton(tr("&Apply"), QDialogButtonBox::ActionRole);
    m_force = buttons->addButton(tr("&Force apply (take ownership)"), QDialogButtonBox::ActionRole);
    m_close = buttons->addButton(QDialogButtonBox::Cancel);
    m_apply->setEnabled(false);
    m_apply->setDefault(true);
    m_force->hide();
    connect(m_apply, &QPushButton::clicked, this, &ApplyDialog::applyRequested);
    connect(m_force, &QPushButton::clicked, this, &ApplyDialog::forceApplyRequested);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(target);
    layout->addWidget(m_status);
    layout->addWidget(m_diff, 1);
    layout->addWidget(m_problems);
    layout->addWidget(m_conflictExplanation);
    layout->addWidget(m_conflicts);
    layout->addWidget(buttons);
}

ApplyDialog::~ApplyDialog() = default;

void ApplyDialog::start(KubeApplier* applier, const QString& text, const QString& fileName)
{
    m_applier = applier;
    connect(applier, &KubeApplier::dryRunFinished, this, &ApplyDialog::showResult);
    connect(applier, &KubeApplier::applyFinished, this, &ApplyDialog::showResult);
    connect(this, &ApplyDialog::applyRequested, this, [this, text, fileName] {
        if (!m_applier)
            return;
        showPending(tr("Applying…"));
        m_applier->apply(text, false, fileName);
    });
    connect(this, &ApplyDialog::forceApplyRequested, this, [this, text, fileName] {
        if (!m_applier)
            return;
        showPending(tr("Applying with force…"));
        m_applier->apply(text, true, fileName);
    });
    if (KubeClient* client = applier->client())
        setTarget(client->context().context.name, client->context().context.ns, QString());
    showPending(tr("Asking the server for a dry run…"));
    applier->dryRun(text, fileName);
}

QMessageBox* ApplyDialog::confirmDelete(
    QWidget* parent, const ObjectKey& key, const QString& context, std::function<void()> confirmed)
{
    auto* box = new QMessageBox(parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setIcon(QMessageBox::Warning);
    box->setWindowTitle(tr("Delete %1").arg(key.kind));
    box->setText(key.ns.isEmpty() ? tr("Delete %1 \"%2\"?").arg(key.kind, key.name)
                                  : tr("Delete %1 \"%2\" in namespace \"%3\"?").arg(key.kind, key.name, key.ns));
    box->setInformativeText(tr("Context \"%1\". The object is removed from the cluster now; what it owns is removed "
                               "by the garbage collector. This cannot be undone.")
                                .arg(context));
    QPushButton* remove = box->addButton(tr("&Delete"), QMessageBox::DestructiveRole);
    QPushButton* cancel = box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(cancel);
    box->setEscapeButton(cancel);
    connect(box, &QMessageBox::buttonClicked, box, [remove, confirmed = std::move(confirmed)](QAbstractButton* button) {
        if (button == remove && confirmed)
            confirmed();
    });
    box->setWindowModality(Qt::WindowModal);
    box->open();
    return box;
}

QString ApplyDialog::diffText() const { return m_diff->toPlainText(); }

QString ApplyDialog::statusText() const { return m_status->text(); }

QStringList ApplyDialog::problemTexts() const
{
    QStringList texts;
    for (int i = 0; i < m_problems->count(); ++i)
        texts.append(m_problems->item(i)->text());
    return texts;
}

QStringList ApplyDialog::conflictTexts() const
{
    QStringList texts;
    for (int i = 0; i < m_conflicts->count(); ++i)
        texts.append(m_conflicts->item(i)->text());
    return texts;
}

void ApplyDialog::setTarget(const QString& context, const QString& ns, const QString& object)
{
    m_context->setText(context);
    m_namespace->setText(ns.isEmpty() ? tr("(cluster-scoped)") : ns);
    m_object->setText(object);
}

void ApplyDialog::showPending(const QString& text)
{
    m_busy = true;
    m_apply->setEnabled(false);
    m_force->setEnabled(false);
    setStatus(text, Tone::Neutral);
}

void ApplyDialog::showResult(const ApplyResult& result)
{
    if (result.operation == ApplyResult::Operation::Delete)
        return;
    m_busy = false;
    if (!result.key.name.isEmpty())
        setTarget(result.context, result.key.ns, result.targetText());

    m_diff->setPlainText(result.diff.endsWith(u'\n') ? result.diff.chopped(1) : result.diff);
    if (result.outcome == ApplyResult::Outcome::Unchanged)
        m_diff->setPlaceholderText(tr("No changes: the live object already is as the document says."));

    m_problems->clear();
    for (const ApplyFieldError& error : result.fieldErrors) {
        QString text = error.message;
        if (!error.field.isEmpty() && !text.contains(error.field))
            text = error.field + u": "_s + text;
        if (error.location.line > 0)
            text += tr(" (line %1)").arg(error.location.line);
        auto* item = new QListWidgetItem(text, m_problems);
        item->setData(LocationRole, QVariant::fromValue(error.location));
    }
    m_problems->setVisible(m_problems->count() > 0);

    m_conflicts->clear();
    for (const ApplyConflict& conflict : result.conflicts)
        m_conflicts->addItem(tr("%1 — owned by %2").arg(conflict.field, describeManager(conflict)));
    m_conflicts->setVisible(result.isConflict());
    m_conflictExplanation->setVisible(result.isConflict());
    m_force->setVisible(result.isConflict());
    m_force->setEnabled(result.isConflict());

    const bool dryRun = result.operation == ApplyResult::Operation::DryRun;
    const bool done = !dryRun && result.ok();
    m_apply->setVisible(!done);
    m_apply->setEnabled(dryRun && result.ok() && result.outcome != ApplyResult::Outcome::Unchanged);
    m_close->setText(
        done || (dryRun && result.outcome == ApplyResult::Outcome::Unchanged) ? tr("&Close") : tr("&Cancel"));

    QString status = result.message;
    if (result.isConflict() && !result.diff.isEmpty())
        status += u"\n"_s + tr("The changes below are what a forced apply would make.");
    setStatus(status, result.ok() ? (dryRun ? Tone::Neutral : Tone::Good) : Tone::Bad);
    if (done)
        Q_EMIT applied(result);
}

void ApplyDialog::done(int result)
{
    if (m_busy && m_applier)
        m_applier->cancel();
    m_busy = false;
    QDialog::done(result);
}

void ApplyDialog::setStatus(const QString& text, Tone tone)
{
    m_status->setText(text);
    QPalette palette = this->palette();
    if (tone == Tone::Good)
        palette.setColor(QPalette::WindowText, QColor(0x1a, 0x7f, 0x37));
    else if (tone == Tone::Bad)
        palette.setColor(QPalette::WindowText, QColor(0xcf, 0x22, 0x2e));
    m_status->setPalette(palette);
}
