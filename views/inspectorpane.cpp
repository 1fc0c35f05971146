// SPDX-License-Identifier: Apache-2.0
#include "inspectorpane.h"

#include "manifestparser.h"
#include "objectstore.h"
#include "yamlhighlighter.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

InspectorPane::InspectorPane(const ObjectStore* store, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_title(new QLabel)
    , m_status(new QLabel)
    , m_conditions(new QTreeWidget)
    , m_yaml(new QPlainTextEdit)
    , m_edit(new QPushButton(tr("&Edit trigger")))
    , m_publish(new QPushButton(tr("Publish &test event")))
{
    m_title->setTextFormat(Qt::PlainText);
    auto titleFont = m_title->font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.2);
    m_title->setFont(titleFont);
    m_title->setWordWrap(true);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_conditions->setHeaderLabels({ tr("Condition"), tr("Status"), tr("Reason / message") });
    m_conditions->setRootIsDecorated(false);
    m_conditions->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_conditions->setMaximumHeight(150);
    m_yaml->setReadOnly(true);
    m_yaml->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_yaml->setLineWrapMode(QPlainTextEdit::NoWrap);
    // Read-only: Tab moves on rather than being swallowed.
    m_yaml->setTabChangesFocus(true);
    m_yaml->setAccessibleName(tr("Object YAML"));
    new YamlHighlighter(m_yaml->document());
    m_edit->setVisible(false);
    m_publish->setVisible(false);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_edit);
    buttons->addWidget(m_publish);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_title);
    layout->addWidget(m_status);
    layout->addLayout(buttons);
    layout->addWidget(m_conditions);
    layout->addWidget(m_yaml, 1);

    connect(m_edit, &QPushButton::clicked, this, [this] {
        if (m_node)
            Q_EMIT editRequested(m_node->object);
    });
    connect(m_publish, &QPushButton::clicked, this, [this] {
        if (m_node)
            Q_EMIT publishRequested(m_node->object);
    });
    showNode(nullptr);
}

void InspectorPane::showNode(const TopologyNode* node)
{
    if (node)
        m_node = *node;
    else
        m_node.reset();
    refresh();
}

void InspectorPane::refresh()
{
    m_conditions->clear();
    if (!m_node) {
        m_title->setText(tr("Nothing selected"));
        m_status->setText(tr("Select a node in the graph to see its status and YAML."));
        m_yaml->clear();
        m_edit->setVisible(false);
        m_publish->setVisible(false);
        return;
    }
    const auto& node = *m_node;
    m_title->setText(
        node.kindLabel % u' ' % (node.object.ns.isEmpty() ? QString() : node.object.ns % u'/') % node.label);
    m_edit->setVisible(node.kind == NodeKind::Trigger);
    m_publish->setVisible(node.kind == NodeKind::Broker);

    const auto object = m_store->find(node.object);
    if (!object) {
        m_status->setText(node.kind == NodeKind::Uri ? tr("A plain URI subscriber, outside the cluster's objects.")
                                                     : tr("Missing: %1").arg(node.reason));
        m_yaml->clear();
        return;
    }
    QStringList lines;
    switch (object->readiness()) {
    case Readiness::Ready:
        lines.append(tr("Ready"));
        break;
    case Readiness::NotReady:
        lines.append(tr("Not ready: %1").arg(object->readinessReason()));
        break;
    case Readiness::Unknown:
        lines.append(tr("Readiness unknown"));
        break;
    }
    if (!object->addressUrl.isEmpty())
        lines.append(tr("Address: %1").arg(object->addressUrl));
    if (!object->subscriberUri.isEmpty())
        lines.append(tr("Subscriber URI: %1").arg(object->subscriberUri));
    if (const auto group = object->statusAnnotations.value(QStringLiteral("group.id")); !group.isEmpty())
        lines.append(tr("Consumer group: %1").arg(group));
    if (const auto topic = object->statusAnnotations.value(QStringLiteral("default.topic")); !topic.isEmpty())
        lines.append(tr("Topic: %1").arg(topic));
    if (object->replicas)
        lines.append(tr("Replicas: %1 (ready %2)").arg(*object->replicas).arg(object->readyReplicas.value_or(0)));
    if (!object->location.file.isEmpty())
        lines.append(tr("From %1").arg(object->location.toString()));
    m_status->setText(lines.join(u'\n'));

    for (const auto& condition : object->conditions) {
        auto* item = new QTreeWidgetItem(m_conditions);
        item->setText(0, condition.type);
        item->setText(1, condition.status);
        item->setText(2,
            condition.message.isEmpty() ? condition.reason
                                        : condition.reason % QStringLiteral(": ") % condition.message);
    }
    const auto yaml = ManifestParser::toYaml(object->raw);
    if (yaml != m_yaml->toPlainText())
        m_yaml->setPlainText(yaml);
}

void InspectorPane::onStoreChanged(const ObjectChangeBatch& batch)
{
    if (!m_node)
        return;
    for (const auto& change : batch) {
        if (change.object && change.object->key == m_node->object) {
            refresh();
            return;
        }
    }
}

QString InspectorPane::yamlText() const { return m_yaml->toPlainText(); }
