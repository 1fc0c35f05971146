// SPDX-License-Identifier: Apache-2.0
// The apply dialog fed with results as KubeApplier produces them (the cluster side is tested in
// tests/integration/tst_kubeapplier), and once wired to an applier whose cluster cannot be reached.
#include "applydialog.h"
#include "diffhighlighter.h"

#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextBlock>
#include <QTextLayout>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

const QString Diff = u"--- live\n+++ dry run\n@@ -7,3 +7,3 @@\n   filter:\n-    type: a\n+    type: b\n"_s;

ApplyResult result(ApplyResult::Operation operation, ApplyResult::Outcome outcome)
{
    ApplyResult r;
    r.operation = operation;
    r.outcome = outcome;
    r.context = u"kind-dev"_s;
    r.key = { u"eventing.knative.dev"_s, u"Trigger"_s, u"shop"_s, u"orders"_s };
    r.resource = { u"eventing.knative.dev"_s, u"v1"_s, u"triggers"_s, u"Trigger"_s, true };
    r.message = u"message"_s;
    return r;
}

ApplyResult conflict(ApplyResult::Operation operation)
{
    ApplyResult r = result(operation, ApplyResult::Outcome::Failed);
    r.error.kind = KubeError::Kind::Conflict;
    r.message = u"1 field of Trigger shop/orders belongs to another field manager"_s;
    r.diff = Diff;
    r.conflicts = { { u"spec.subscriber.ref.name"_s, u"kubectl"_s, QString(), QString(), u"conflict"_s },
        { u"spec.delivery.retry"_s, u"kubectl-client-side-apply"_s, u"eventing.knative.dev/v1"_s, QString(),
            u"conflict"_s } };
    return r;
}

// The format the highlighter gave the block that holds text.
QTextCharFormat formatOf(QPlainTextEdit* edit, const QString& text)
{
    for (QTextBlock block = edit->document()->begin(); block.isValid(); block = block.next()) {
        if (block.text() == text && !block.layout()->formats().isEmpty())
            return block.layout()->formats().constFirst().format;
    }
    return {};
}

} // namespace

class TestApplyDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void pendingWaits();
    void dryRunShowsColouredDiff();
    void unchangedOffersNothingToApply();
    void conflictOffersForce_data();
    void conflictOffersForce();
    void fieldErrorsWithTheirPlace();
    void appliedEndsWithClose();
    void deleteResultsAreIgnored();
    void confirmDeleteNamesEverything();
    void startRunsTheDryRun();
};

void TestApplyDialog::pendingWaits()
{
    ApplyDialog dialog;
    dialog.setTarget(u"kind-dev"_s, u"shop"_s, u"triggers.eventing.knative.dev shop/orders"_s);
    dialog.showPending(u"Asking the server for a dry run…"_s);
    QVERIFY(dialog.isBusy());
    QVERIFY(!dialog.applyButton()->isEnabled());
    QVERIFY(dialog.forceButton()->isHidden());
    QCOMPARE(dialog.statusText(), u"Asking the server for a dry run…"_s);
}

void TestApplyDialog::dryRunShowsColouredDiff()
{
    ApplyDialog dialog;
    QSignalSpy applyRequested(&dialog, &ApplyDialog::applyRequested);
    ApplyResult dry = result(ApplyResult::Operation::DryRun, ApplyResult::Outcome::Updated);
    dry.diff = Diff;
    dry.message = u"Applying changes Trigger shop/orders"_s;
    dialog.showResult(dry);

    QVERIFY(!dialog.isBusy());
    QCOMPARE(dialog.diffText() + u'\n', Diff);
    QCOMPARE(dialog.statusText(), dry.message);
    QVERIFY(dialog.applyButton()->isEnabled());
    QVERIFY(dialog.forceButton()->isHidden());
    QCOMPARE(dialog.closeButton()->text(), u"&Cancel"_s);
    QVERIFY(dialog.problemTexts().isEmpty());

    auto* edit = dialog.findChild<QPlainTextEdit*>();
    QVERIFY(edit);
    QTextDocument reference;
    const DiffHighlighter colours(&reference);
    QCOMPARE(formatOf(edit, u"+    type: b"_s).background(), colours.addedFormat().background());
    QCOMPARE(formatOf(edit, u"-    type: a"_s).background(), colours.removedFormat().background());
    QCOMPARE(formatOf(edit, u"   filter:"_s), QTextCharFormat());
    QVERIFY(formatOf(edit, u"--- live"_s).fontWeight() == QFont::Bold);

    dialog.applyButton()->click();
    QCOMPARE(applyRequested.size(), 1);
}

void TestApplyDialog::unchangedOffersNothingToApply()
{
    ApplyDialog dialog;
    dialog.showResult(result(ApplyResult::Operation::DryRun, ApplyResult::Outcome::Unchanged));
    QVERIFY(dialog.diffText().isEmpty());
    QVERIFY(!dialog.applyButton()->isEnabled());
    QCOMPARE(dialog.closeButton()->text(), u"&Close"_s);
}

void TestApplyDialog::conflictOffersForce_data()
{
    QTest::addColumn<ApplyResult::Operation>("operation");
    QTest::addRow("dry run") << ApplyResult::Operation::DryRun;
    QTest::addRow("apply") << ApplyResult::Operation::Apply;
}

void TestApplyDialog::conflictOffersForce()
{
    QFETCH(ApplyResult::Operation, operation);
    ApplyDialog dialog;
    QSignalSpy force(&dialog, &ApplyDialog::forceApplyRequested);
    QSignalSpy applyRequested(&dialog, &ApplyDialog::applyRequested);
    dialog.showResult(conflict(operation));

    QCOMPARE(dialog.conflictTexts(),
        QStringList({ u"spec.subscriber.ref.name — owned by \"kubectl\""_s,
            u"spec.delivery.retry — owned by \"kubectl-client-side-apply\" (update with eventing.knative.dev/v1)"_s }));
    QVERIFY(!dialog.forceButton()->isHidden());
    QVERIFY(dialog.forceButton()->isEnabled());
    QVERIFY(!dialog.applyButton()->isEnabled());
    QVERIFY(dialog.statusText().contains(u"what a forced apply would make"_s));
    QCOMPARE(dialog.diffText() + u'\n', Diff);

    dialog.forceButton()->click();
    QCOMPARE(force.size(), 1);
    QCOMPARE(applyRequested.size(), 0);

    // The forced apply went through: the conflict is gone.
    ApplyResult forced = result(ApplyResult::Operation::Apply, ApplyResult::Outcome::Updated);
    forced.forced = true;
    dialog.showResult(forced);
    QVERIFY(dialog.forceButton()->isHidden());
    QVERIFY(dialog.conflictTexts().isEmpty());
}

void TestApplyDialog::fieldErrorsWithTheirPlace()
{
    ApplyDialog dialog;
    QSignalSpy located(&dialog, &ApplyDialog::locationActivated);
    ApplyResult invalid = result(ApplyResult::Operation::DryRun, ApplyResult::Outcome::Failed);
    invalid.error.kind = KubeError::Kind::Invalid;
    invalid.message = u"spec.broker is immutable: delete and recreate the trigger"_s;
    invalid.fieldErrors = { { u"spec.broker"_s, u"spec.broker is immutable: delete and recreate the trigger"_s,
                                { u"orders.yaml"_s, 7, 3 } },
        { u"metadata.name"_s, u"Invalid value: \"Orders\""_s, {} } };
    dialog.showResult(invalid);

    QCOMPARE(dialog.problemTexts(),
        QStringList({ u"spec.broker is immutable: delete and recreate the trigger (line 7)"_s,
            u"metadata.name: Invalid value: \"Orders\""_s }));
    QVERIFY(!dialog.applyButton()->isEnabled());
    QVERIFY(dialog.forceButton()->isHidden());

    auto* problems = dialog.findChild<QListWidget*>();
    QVERIFY(problems);
    Q_EMIT problems->itemActivated(problems->item(0));
    QCOMPARE(located.size(), 1);
    QCOMPARE(qvariant_cast<SourceLocation>(located.at(0).at(0)), (SourceLocation { u"orders.yaml"_s, 7, 3 }));
    Q_EMIT problems->itemActivated(problems->item(1)); // no place in the document
    QCOMPARE(located.size(), 1);
}

void TestApplyDialog::appliedEndsWithClose()
{
    ApplyDialog dialog;
    QSignalSpy applied(&dialog, &ApplyDialog::applied);
    ApplyResult created = result(ApplyResult::Operation::Apply, ApplyResult::Outcome::Created);
    created.message = u"Created Trigger shop/orders"_s;
    dialog.showResult(created);
    QCOMPARE(applied.size(), 1);
    QVERIFY(dialog.applyButton()->isHidden());
    QCOMPARE(dialog.closeButton()->text(), u"&Close"_s);
    QCOMPARE(dialog.statusText(), created.message);
}

void TestApplyDialog::deleteResultsAreIgnored()
{
    ApplyDialog dialog;
    dialog.showPending(u"Applying…"_s);
    dialog.showResult(result(ApplyResult::Operation::Delete, ApplyResult::Outcome::Deleted));
    QVERIFY(dialog.isBusy());
    QCOMPARE(dialog.statusText(), u"Applying…"_s);
}

void TestApplyDialog::confirmDeleteNamesEverything()
{
    QWidget parent;
    int confirmed = 0;
    const ObjectKey key { u"eventing.knative.dev"_s, u"Trigger"_s, u"shop"_s, u"orders"_s };
    QPointer<QMessageBox> box = ApplyDialog::confirmDelete(&parent, key, u"kind-dev"_s, [&confirmed] { ++confirmed; });
    QCOMPARE(box->text(), u"Delete Trigger \"orders\" in namespace \"shop\"?"_s);
    QVERIFY(box->informativeText().contains(u"\"kind-dev\""_s));
    QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel));
    box->button(QMessageBox::Cancel)->click();
    QCOMPARE(confirmed, 0);
    QTRY_VERIFY(!box); // deleted on close

    box = ApplyDialog::confirmDelete(&parent, key, u"kind-dev"_s, [&confirmed] { ++confirmed; });
    QAbstractButton* remove = nullptr;
    for (QAbstractButton* button : box->buttons()) {
        if (box->buttonRole(button) == QMessageBox::DestructiveRole)
            remove = button;
    }
    QVERIFY(remove);
    QCOMPARE(remove->text(), u"&Delete"_s);
    remove->click();
    QCOMPARE(confirmed, 1);
    QTRY_VERIFY(!box);

    box = ApplyDialog::confirmDelete(&parent, { {}, u"Namespace"_s, {}, u"shop"_s }, u"kind-dev"_s, {});
    QCOMPARE(box->text(), u"Delete Namespace \"shop\"?"_s);
    box->close();
}

// Wired to an applier whose API server does not answer: the dry run starts at once and its failure shows.
void TestApplyDialog::startRunsTheDryRun()
{
    ResolvedContext context;
    context.context.name = u"nowhere"_s;
    context.context.ns = u"shop"_s;
    context.cluster.name = u"nowhere"_s;
    context.cluster.server = u"http://127.0.0.1:1"_s;
    KubeClient client(context);
    KubeApplier applier(&client);
    ApplyDialog dialog;
    dialog.start(&applier,
        u"apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata:\n  name: orders\nspec:\n  broker: default\n"_s);
    QVERIFY(dialog.isBusy());
    QVERIFY(applier.isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isBusy(), 10'000);
    QVERIFY2(dialog.statusText().contains(u"Cannot reach the API server"_s), qPrintable(dialog.statusText()));
    QVERIFY(!dialog.applyButton()->isEnabled());

    // Closing while a call runs cancels it.
    Q_EMIT dialog.applyRequested();
    QVERIFY(applier.isBusy());
    dialog.reject();
    QVERIFY(!applier.isBusy());
    QVERIFY(!dialog.isBusy());
}

QTEST_MAIN(TestApplyDialog)
#include "tst_applydialog.moc"
