// SPDX-License-Identifier: Apache-2.0
// The trigger form bound to a QTextDocument: form edits become minimal text edits, one undo step each, and text
// edits update the form. Run with --demo to try the form beside a plain text editor.
#include "objectstore.h"
#include "triggerform.h"

#include <QApplication>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTextCursor>
#include <QTextDocument>
#include <QToolButton>
#include <QTreeWidget>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

const QString Base = uR"(apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: orders
  namespace: shop
  labels:
    zeta: last
    alpha: first   # keep me
spec:
  # the broker
  broker: default
  foo: bar
  filter:
    attributes:
      type: dev.example.order
  subscriber:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: orders-svc
)"_s;

QString replaced(const QString& text, const QString& before, const QString& after)
{
    auto result = text;
    const auto at = result.indexOf(before);
    Q_ASSERT(at >= 0);
    return result.replace(at, before.size(), after);
}

KnativeObjectPtr object(ObjectKind kind, const QString& group, const QString& kindName, const QString& ns,
    const QString& name, const QString& apiVersion)
{
    auto result = std::make_shared<KnativeObject>();
    result->key = ObjectKey { group, kindName, ns, name };
    result->kind = kind;
    result->apiVersion = apiVersion;
    result->origin = u"test"_s;
    return result;
}

} // namespace

class TestTriggerForm : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void showsTheText();
    void typingIsOneUndoStepPerField();
    void textEditsUpdateTheFormWithoutMovingTheCaret();
    void deliveryFields();
    void filterAttributeRows();
    void labelsRenameAndRemove();
    void filtersTree();
    void drawnTriggerEdits();
    void subscriberUriMode();
    void annotationHints();
    void syntaxErrorDisablesTheForm();

private:
    template <typename T>
    T* field(const char* name) const
    {
        auto* widget = m_form->findChild<T*>(QLatin1StringView(name));
        Q_ASSERT(widget);
        return widget;
    }
    QString text() const { return m_document->toPlainText(); }

    std::unique_ptr<QTextDocument> m_document;
    std::unique_ptr<TriggerForm> m_form;
};

void TestTriggerForm::init()
{
    m_document = std::make_unique<QTextDocument>();
    m_document->setPlainText(Base);
    m_document->clearUndoRedoStacks();
    m_form = std::make_unique<TriggerForm>();
    m_form->setDocument(m_document.get());
    m_form->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_form.get()));
}

void TestTriggerForm::cleanup()
{
    m_form.reset();
    m_document.reset();
}

void TestTriggerForm::showsTheText()
{
    QCOMPARE(field<QLineEdit>("name")->text(), u"orders"_s);
    QCOMPARE(field<QLineEdit>("namespace")->text(), u"shop"_s);
    QCOMPARE(field<QComboBox>("broker")->currentText(), u"default"_s);
    auto* attributes = field<QTableWidget>("filterAttributes");
    QCOMPARE(attributes->rowCount(), 1);
    QCOMPARE(attributes->item(0, 0)->text(), u"type"_s);
    QCOMPARE(attributes->item(0, 1)->text(), u"dev.example.order"_s);
    auto* labels = field<QTableWidget>("labels");
    QCOMPARE(labels->rowCount(), 2);
    QCOMPARE(labels->item(0, 0)->text(), u"zeta"_s); // the text's order, not sorted
    QCOMPARE(field<QComboBox>("subscriberRef")->currentText(), u"Service orders-svc (not in the topology)"_s);
    QCOMPARE(field<QSpinBox>("retry")->value(), -1);
    QVERIFY(m_form->draft().valid);
    QCOMPARE(m_form->draft().json.value("spec"_L1).toObject().value("foo"_L1).toString(), u"bar"_s);

    // Keyboard: Tab walks the fields in reading order.
    field<QLineEdit>("name")->setFocus();
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), field<QLineEdit>("namespace"));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), field<QComboBox>("broker"));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
    QCOMPARE(QApplication::focusWidget(), field<QComboBox>("subscriberMode"));
}

void TestTriggerForm::typingIsOneUndoStepPerField()
{
    auto* name = field<QLineEdit>("name");
    name->setFocus();
    name->end(false);
    QTest::keyClicks(name, u"-v2"_s);
    const auto afterName = replaced(Base, u"name: orders\n"_s, u"name: orders-v2\n"_s);
    QCOMPARE(text(), afterName);
    QCOMPARE(name->cursorPosition(), 9);

    auto* broker = field<QComboBox>("broker");
    broker->lineEdit()->selectAll();
    QTest::keyClicks(broker->lineEdit(), u"billing"_s);
    const auto afterBroker = replaced(afterName, u"broker: default"_s, u"broker: billing"_s);
    QCOMPARE(text(), afterBroker);

    // Quoting is what YAML needs, and reads back as typed.
    name->selectAll();
    QTest::keyClicks(name, u"no"_s);
    QCOMPARE(text(), replaced(afterBroker, u"name: orders-v2\n"_s, u"name: 'no'\n"_s));
    QCOMPARE(name->text(), u"no"_s);

    m_document->undo();
    QCOMPARE(text(), afterBroker);
    m_document->undo();
    QCOMPARE(text(), afterName);
    QTRY_COMPARE(broker->currentText(), u"default"_s);
    m_document->undo();
    QCOMPARE(text(), Base);
    QTRY_COMPARE(name->text(), u"orders"_s);
    m_document->redo();
    QCOMPARE(text(), afterName);
    QTRY_COMPARE(name->text(), u"orders-v2"_s);
}

void TestTriggerForm::textEditsUpdateTheFormWithoutMovingTheCaret()
{
    QSignalSpy drafts(m_form.get(), &TriggerForm::draftChanged);
    auto* name = field<QLineEdit>("name");
    name->setFocus();
    name->setCursorPosition(2);
    QTextCursor cursor(m_document.get());
    const auto at = text().indexOf(u"shop"_s);
    cursor.setPosition(at);
    cursor.setPosition(at + 4, QTextCursor::KeepAnchor);
    cursor.insertText(u"billing"_s);
    QTRY_COMPARE(field<QLineEdit>("namespace")->text(), u"billing"_s);
    QCOMPARE(name->cursorPosition(), 2);
    QVERIFY(!drafts.isEmpty());
    QCOMPARE(drafts.last().first().value<TriggerDraft>().ns, u"billing"_s);

    // A typed edit right after a text edit is a step of its own.
    QTest::keyClicks(name, u"x"_s);
    QCOMPARE(m_form->draft().name, u"orxders"_s);
    m_document->undo();
    QCOMPARE(text(), replaced(Base, u"shop"_s, u"billing"_s));
}

void TestTriggerForm::deliveryFields()
{
    auto* retry = field<QSpinBox>("retry");
    retry->setFocus();
    retry->selectAll();
    QTest::keyClicks(retry, u"12"_s);
    const auto withRetry = Base + u"  delivery:\n    retry: 12\n"_s;
    QCOMPARE(text(), withRetry);

    auto* delay = field<QLineEdit>("backoffDelay");
    delay->setFocus();
    QTest::keyClicks(delay, u"PT0.5"_s);
    QCOMPARE(field<QLabel>("backoffDelayHint")->text(), tr("✗ not an ISO 8601 duration"));
    QTest::keyClicks(delay, u"S"_s);
    QCOMPARE(field<QLabel>("backoffDelayHint")->text(), tr("✓ valid"));
    const auto withDelay = withRetry + u"    backoffDelay: PT0.5S\n"_s;
    QCOMPARE(text(), withDelay);

    auto* policy = field<QComboBox>("backoffPolicy");
    policy->setFocus();
    QTest::keyClick(policy, Qt::Key_Down);
    QCOMPARE(text(), replaced(withDelay, u"    retry: 12\n"_s, u"    retry: 12\n    backoffPolicy: linear\n"_s));

    auto* mode = field<QComboBox>("deadLetterMode");
    mode->setFocus();
    QTest::keyClick(mode, Qt::Key_End); // URI
    QVERIFY(text().contains(u"  delivery:\n    deadLetterSink:\n      uri: ''\n    retry: 12\n"_s));
    auto* uri = field<QLineEdit>("deadLetterUri");
    QTest::keyClicks(uri, u"http://dls"_s);
    QVERIFY(text().contains(u"      uri: http://dls\n"_s));

    m_document->undo();
    m_document->undo();
    QCOMPARE(text(), replaced(withDelay, u"    retry: 12\n"_s, u"    retry: 12\n    backoffPolicy: linear\n"_s));
    QTRY_COMPARE(mode->currentIndex(), 0);
}

void TestTriggerForm::filterAttributeRows()
{
    auto* table = field<QTableWidget>("filterAttributes");
    QTest::mouseClick(field<QPushButton>("filterAttributesAdd"), Qt::LeftButton);
    const auto withRow
        = replaced(Base, u"type: dev.example.order\n"_s, u"type: dev.example.order\n      type2: ''\n"_s);
    QCOMPARE(text(), withRow);
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->currentRow(), 1);
    table->item(1, 0)->setText(u"myextension"_s); // as the item editor commits it
    table->item(1, 1)->setText(u"42"_s);
    const auto edited
        = replaced(Base, u"type: dev.example.order\n"_s, u"type: dev.example.order\n      myextension: '42'\n"_s);
    QCOMPARE(text(), edited);
    // Renaming onto an existing attribute is refused.
    table->item(1, 0)->setText(u"type"_s);
    QCOMPARE(text(), edited);
    QCOMPARE(table->item(1, 0)->text(), u"myextension"_s);

    table->setCurrentCell(0, 0);
    QTest::mouseClick(field<QPushButton>("filterAttributesRemove"), Qt::LeftButton);
    QCOMPARE(text(), replaced(Base, u"      type: dev.example.order\n"_s, u"      myextension: '42'\n"_s));
    m_document->undo();
    QCOMPARE(text(), edited);
}

void TestTriggerForm::labelsRenameAndRemove()
{
    auto* labels = field<QTableWidget>("labels");
    labels->item(1, 0)->setText(u"app.kubernetes.io/name"_s);
    const auto renamed = replaced(Base, u"alpha: first"_s, u"app.kubernetes.io/name: first"_s);
    QCOMPARE(text(), renamed);
    labels->setCurrentCell(0, 1);
    QTest::mouseClick(field<QPushButton>("labelsRemove"), Qt::LeftButton);
    QCOMPARE(text(), replaced(renamed, u"    zeta: last\n"_s, QString()));
    QCOMPARE(labels->rowCount(), 1);
}

void TestTriggerForm::filtersTree()
{
    auto* tree = field<QTreeWidget>("filters");
    QTest::mouseClick(field<QPushButton>("addFilter"), Qt::LeftButton);
    const auto withFilter
        = replaced(Base, u"type: dev.example.order\n"_s, u"type: dev.example.order\n  filters:\n    - exact: {}\n"_s);
    QCOMPARE(text(), withFilter);
    QCOMPARE(tree->topLevelItemCount(), 1);

    QTest::mouseClick(field<QPushButton>("addFilterAttribute"), Qt::LeftButton);
    auto* attribute = tree->topLevelItem(0)->child(0);
    QVERIFY(attribute);
    QCOMPARE(text(), withFilter); // no name yet, nothing to write
    attribute->setText(1, u"source"_s);
    attribute->setText(2, u"/orders"_s);
    const auto withAttribute = replaced(Base, u"type: dev.example.order\n"_s,
        u"type: dev.example.order\n  filters:\n    - exact:\n        source: /orders\n"_s);
    QCOMPARE(text(), withAttribute);

    // Dialect of the selected node: exact -> any keeps nothing, then a nested cesql.
    tree->setCurrentItem(tree->topLevelItem(0));
    auto* dialect = field<QComboBox>("dialect");
    QVERIFY(dialect->isEnabled());
    dialect->setFocus();
    dialect->setCurrentIndex(dialect->findText(u"any"_s));
    Q_EMIT dialect->activated(dialect->currentIndex());
    QCOMPARE(text(), replaced(withAttribute, u"    - exact:\n        source: /orders\n"_s, u"    - any: []\n"_s));
    QTest::mouseClick(field<QPushButton>("addNestedFilter"), Qt::LeftButton);
    auto* nested = tree->topLevelItem(0)->child(0);
    QCOMPARE(tree->currentItem(), nested);
    dialect->setCurrentIndex(dialect->findText(u"cesql"_s));
    Q_EMIT dialect->activated(dialect->currentIndex());
    tree->currentItem()->setText(1, u"type LIKE 'dev.%'"_s);
    const auto withTree = replaced(Base, u"type: dev.example.order\n"_s,
        u"type: dev.example.order\n  filters:\n    - any:\n        - cesql: type LIKE 'dev.%'\n"_s);
    QCOMPARE(text(), withTree);

    // The text drives the tree too.
    QTextCursor cursor(m_document.get());
    const auto at = text().indexOf(u"cesql: type"_s);
    cursor.setPosition(at);
    cursor.setPosition(at + 5, QTextCursor::KeepAnchor);
    cursor.insertText(u"not:\n            exact:\n              type: a\n        - cesql"_s);
    QTRY_COMPARE(tree->topLevelItem(0)->childCount(), 2);
    QCOMPARE(tree->topLevelItem(0)->child(0)->text(0), u"not"_s);
    QCOMPARE(tree->topLevelItem(0)->child(0)->child(0)->child(0)->text(1), u"type"_s);

    tree->setCurrentItem(tree->topLevelItem(0));
    QTest::mouseClick(field<QPushButton>("removeFilter"), Qt::LeftButton);
    QCOMPARE(text(), Base);
}

void TestTriggerForm::drawnTriggerEdits()
{
    ObjectStore store;
    store.replaceOrigin(u"test"_s,
        { object(ObjectKind::Broker, u"eventing.knative.dev"_s, u"Broker"_s, u"payments"_s, u"kafka"_s,
              u"eventing.knative.dev/v1"_s),
            object(ObjectKind::KnativeService, u"serving.knative.dev"_s, u"Service"_s, u"payments"_s, u"ledger"_s,
                u"serving.knative.dev/v1"_s),
            object(ObjectKind::Trigger, u"eventing.knative.dev"_s, u"Trigger"_s, u"payments"_s, u"t"_s,
                u"eventing.knative.dev/v1"_s) });
    m_form->setStore(&store);
    QCOMPARE(field<QComboBox>("broker")->count(), 1);
    QCOMPARE(field<QComboBox>("subscriberRef")->count(), 3); // both addressables plus the reference not in the store

    QSignalSpy drafts(m_form.get(), &TriggerForm::draftChanged);
    m_form->setBroker(u"payments"_s, u"kafka"_s);
    const auto withBroker = replaced(
        replaced(Base, u"broker: default"_s, u"broker: kafka"_s), u"namespace: shop"_s, u"namespace: payments"_s);
    QCOMPARE(text(), withBroker);
    QCOMPARE(drafts.size(), 1);
    QCOMPARE(drafts.first().first().value<TriggerDraft>().broker, u"kafka"_s);
    m_form->setSubscriberRef(
        ObjectKey { u"serving.knative.dev"_s, u"Service"_s, u"payments"_s, u"ledger"_s }, u"serving.knative.dev/v1"_s);
    QCOMPARE(text(), replaced(withBroker, u"name: orders-svc"_s, u"name: ledger"_s));
    QCOMPARE(field<QComboBox>("subscriberRef")->currentText(), u"Service payments/ledger"_s);
    m_document->undo();
    QCOMPARE(text(), withBroker);
    m_form->setStore(nullptr);
}

void TestTriggerForm::subscriberUriMode()
{
    auto* mode = field<QComboBox>("subscriberMode");
    mode->setFocus();
    QTest::keyClick(mode, Qt::Key_Down);
    auto* uri = field<QLineEdit>("subscriberUri");
    QTest::keyClicks(uri, u"http://sink.example"_s);
    const auto expected = replaced(Base,
        u"    ref:\n      apiVersion: serving.knative.dev/v1\n      kind: Service\n      name: orders-svc\n"_s,
        u"    uri: http://sink.example\n"_s);
    QCOMPARE(text(), expected);
    QVERIFY(!field<QComboBox>("subscriberRef")->isVisible());
    m_document->undo(); // the typing
    m_document->undo(); // the switch
    QCOMPARE(text(), Base);
    QTRY_COMPARE(mode->currentIndex(), 0);
}

void TestTriggerForm::annotationHints()
{
    QVERIFY(TriggerForm::annotationHint(u"autoscaling.eventing.knative.dev/min-scale"_s).contains(u"Minimum"_s));
    QVERIFY(TriggerForm::annotationHint(u"autoscaling.eventing.knative.dev/class"_s).contains(u"KEDA"_s));
    QVERIFY(TriggerForm::annotationHint(u"keda.autoscaling.knative.dev/kafkaLagThreshold"_s).contains(u"lag"_s));
    QVERIFY(TriggerForm::annotationHint(u"example.com/other"_s).isEmpty());

    auto* menu = field<QToolButton>("kedaAnnotations")->menu();
    QVERIFY(menu);
    const auto actions = menu->actions();
    const auto maxScale = std::find_if(actions.begin(), actions.end(),
        [](const QAction* a) { return a->text() == u"autoscaling.eventing.knative.dev/max-scale"; });
    QVERIFY(maxScale != actions.end());
    (*maxScale)->trigger();
    QCOMPARE(text(),
        replaced(Base, u"# keep me\n"_s,
            u"# keep me\n  annotations:\n    autoscaling.eventing.knative.dev/max-scale: '50'\n"_s));
    auto* annotations = field<QTableWidget>("annotations");
    QCOMPARE(annotations->rowCount(), 1);
    QVERIFY(annotations->item(0, 1)->toolTip().contains(u"Maximum"_s));
}

void TestTriggerForm::syntaxErrorDisablesTheForm()
{
    QTextCursor cursor(m_document.get());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(u"  broken: [\n"_s);
    auto* banner = field<QLabel>("errorBanner");
    QTRY_VERIFY(banner->isVisible());
    QVERIFY(!field<QLineEdit>("name")->isEnabled());
    QCOMPARE(field<QLineEdit>("name")->text(), u"orders"_s);
    QVERIFY(!m_form->draft().valid);
    m_form->setBroker(QString(), u"other"_s); // refused while the text does not parse
    QVERIFY(!text().contains(u"other"_s));
    m_document->undo();
    QTRY_VERIFY(!banner->isVisible());
    QVERIFY(field<QLineEdit>("name")->isEnabled());
}

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    if (app.arguments().contains(u"--demo"_s)) {
        QWidget window;
        auto* layout = new QHBoxLayout(&window);
        auto* editor = new QPlainTextEdit;
        editor->setPlainText(Base);
        auto* form = new TriggerForm;
        form->setDocument(editor->document());
        layout->addWidget(editor, 1);
        layout->addWidget(form, 1);
        window.resize(1200, 800);
        window.show();
        return QApplication::exec();
    }
    TestTriggerForm test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_triggerform.moc"
