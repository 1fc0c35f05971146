// SPDX-License-Identifier: Apache-2.0
#include "matchpreviewpane.h"

#include "cloudeventcodec.h"
#include "objectstore.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

const auto samplesFile = u"samples"_s;

// A top-level JSON value in the typed text: where it starts and ends (bytes of UTF-8), and for an array where each
// element starts, so that an event that does not decode can be pointed at.
struct TextValue {
    qsizetype begin = 0;
    qsizetype end = 0;
    QList<qsizetype> elements;
};

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Splits text into top-level values by brackets and strings; text between values that is not a value is returned
// as a value of its own, for the JSON parser to complain about.
QList<TextValue> splitValues(const QByteArray& text)
{
    QList<TextValue> values;
    qsizetype i = 0;
    while (i < text.size()) {
        if (isSpace(text.at(i))) {
            ++i;
            continue;
        }
        TextValue value;
        value.begin = i;
        int depth = 0;
        bool inString = false;
        bool expectElement = false;
        const bool isArray = text.at(i) == '[';
        for (; i < text.size(); ++i) {
            const char c = text.at(i);
            if (inString) {
                if (c == '\\')
                    ++i;
                else if (c == '"')
                    inString = false;
                continue;
            }
            if (expectElement && !isSpace(c) && c != ']') {
                value.elements.append(i);
                expectElement = false;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                ++depth;
                if (isArray && depth == 1)
                    expectElement = true;
            } else if (c == '}' || c == ']') {
                if (--depth <= 0) {
                    ++i;
                    break;
                }
            } else if (c == ',' && isArray && depth == 1) {
                expectElement = true;
            } else if (depth == 0 && isSpace(c)) {
                break; // a bare word between values
            }
        }
        value.end = i;
        values.append(value);
    }
    return values;
}

SourceLocation locationOf(const QByteArray& text, qsizetype offset)
{
    offset = std::clamp<qsizetype>(offset, 0, text.size());
    const qsizetype lineStart = offset == 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1;
    const int line = int(text.left(offset).count('\n')) + 1;
    const int column = int(QString::fromUtf8(text.mid(lineStart, offset - lineStart)).size()) + 1;
    return SourceLocation { samplesFile, line, column };
}

SourceIssue issueAt(const QByteArray& text, qsizetype offset, const QString& message)
{
    SourceIssue issue;
    issue.location = locationOf(text, offset);
    issue.message = message;
    return issue;
}

} // namespace

MatchPreviewPane::MatchPreviewPane(QWidget* parent)
    : QWidget(parent)
    , m_editor(new QPlainTextEdit)
    , m_issuesLabel(new QLabel)
    , m_summary(new QLabel)
    , m_clearAdded(new QPushButton(tr("Clear events from history")))
    , m_table(new QTableView)
    , m_model(new MatchPreviewModel(this))
{
    m_editor->setPlaceholderText(
        tr("Sample events as CloudEvents JSON: one event, an array of events, or several "
           "events one after the other.\n"
           R"({"specversion": "1.0", "id": "1", "source": "/shop", "type": "order.created"})"));
    m_editor->setAccessibleName(tr("Sample events"));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    // JSON needs no tab characters: Tab moves on, so the preview table is reachable by keyboard.
    m_editor->setTabChangesFocus(true);
    m_issuesLabel->setWordWrap(true);
    m_issuesLabel->setTextFormat(Qt::PlainText);
    m_issuesLabel->setVisible(false);
    m_issuesLabel->setStyleSheet(u"color: #b00020"_s);
    m_table->setModel(m_model);
    // Read-only rows: arrow keys move between them, Tab moves on to the next control.
    m_table->setTabKeyNavigation(false);
    m_table->setAccessibleName(tr("Match preview"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(MatchPreviewModel::MatchColumn, QHeaderView::ResizeToContents);
    m_clearAdded->setEnabled(false);

    auto* samples = new QWidget;
    auto* samplesLayout = new QVBoxLayout(samples);
    samplesLayout->setContentsMargins(0, 0, 0, 0);
    samplesLayout->addWidget(m_editor);
    samplesLayout->addWidget(m_issuesLabel);
    auto* results = new QWidget;
    auto* resultsLayout = new QVBoxLayout(results);
    resultsLayout->setContentsMargins(0, 0, 0, 0);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_summary, 1);
    bar->addWidget(m_clearAdded);
    resultsLayout->addLayout(bar);
    resultsLayout->addWidget(m_table);
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->setObjectName(QStringLiteral("matchPreviewSplitter"));
    splitter->addWidget(samples);
    splitter->addWidget(results);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_editor, &QPlainTextEdit::textChanged, this, [this] {
        parseTypedSamples();
        evaluate();
        Q_EMIT samplesTextChanged();
    });
    connect(m_clearAdded, &QPushButton::clicked, this, &MatchPreviewPane::clearAddedSamples);
    evaluate();
}

void MatchPreviewPane::setDraft(const KnativeObjectPtr& draft)
{
    m_draft = draft;
    evaluate();
}

void MatchPreviewPane::setCandidates(const QList<KnativeObjectPtr>& objects)
{
    setStore(nullptr);
    m_preview.setCandidates(objects);
    evaluate();
}

void MatchPreviewPane::setStore(const ObjectStore* store)
{
    disconnect(m_storeConnection);
    m_store = store;
    if (!store)
        return;
    m_storeConnection = connect(store, &ObjectStore::changed, this, [this](const ObjectChangeBatch& batch) {
        if (!m_store || !batchTouches(batch, { ObjectKind::Trigger }))
            return;
        m_preview.setCandidates(*m_store);
        evaluate();
    });
    m_preview.setCandidates(*store);
    evaluate();
}

void MatchPreviewPane::addSamples(const QList<CloudEvent>& events)
{
    if (events.isEmpty())
        return;
    m_added.append(events);
    m_clearAdded->setEnabled(true);
    evaluate();
}

void MatchPreviewPane::clearAddedSamples()
{
    m_added.clear();
    m_clearAdded->setEnabled(false);
    evaluate();
}

QString MatchPreviewPane::samplesText() const { return m_editor->toPlainText(); }

void MatchPreviewPane::setSamplesText(const QString& text) { m_editor->setPlainText(text); }

QList<CloudEvent> MatchPreviewPane::samples() const { return m_typed + m_added; }

void MatchPreviewPane::parseTypedSamples()
{
    m_typed.clear();
    m_issues.clear();
    const QByteArray text = m_editor->toPlainText().toUtf8();
    for (const auto& value : splitValues(text)) {
        QJsonParseError error;
        const auto slice = text.mid(value.begin, value.end - value.begin);
        const auto document = QJsonDocument::fromJson(slice, &error);
        if (error.error != QJsonParseError::NoError) {
            // Qt points just past the offending character, or at the end when the value is cut short.
            const qsizetype at = error.offset > 0 && error.offset < slice.size() ? error.offset - 1 : error.offset;
            m_issues.append(issueAt(text, value.begin + at, tr("JSON: %1").arg(error.errorString())));
            continue;
        }
        const auto decode = [&](const QJsonValue& json, qsizetype offset) {
            if (!json.isObject()) {
                m_issues.append(issueAt(text, offset, tr("a CloudEvent is a JSON object")));
                return;
            }
            QString problem;
            if (auto event = CloudEventJson::fromJson(json.toObject(), &problem))
                m_typed.append(*event);
            else
                m_issues.append(issueAt(text, offset, tr("not a CloudEvent: %1").arg(problem)));
        };
        if (document.isArray()) {
            const auto array = document.array();
            for (qsizetype i = 0; i < array.size(); ++i)
                decode(array.at(i), value.elements.value(i, value.begin));
        } else {
            decode(document.object(), value.begin);
        }
    }
    updateIssues();
}

void MatchPreviewPane::updateIssues()
{
    QStringList lines;
    for (const auto& issue : std::as_const(m_issues)) {
        lines.append(
            tr("Line %1, column %2: %3").arg(issue.location.line).arg(issue.location.column).arg(issue.message));
    }
    m_issuesLabel->setText(lines.join(u'\n'));
    m_issuesLabel->setVisible(!lines.isEmpty());
}

void MatchPreviewPane::evaluate()
{
    const auto events = samples();
    QList<MatchPreviewModel::Origin> origins(m_typed.size(), MatchPreviewModel::Origin::Typed);
    origins.append(QList<MatchPreviewModel::Origin>(m_added.size(), MatchPreviewModel::Origin::Added));
    QList<MatchPreviewRow> results;
    if (m_draft)
        results = m_preview.evaluate(*m_draft, events);
    m_model->setRows(events, origins, results);
    if (events.isEmpty())
        m_summary->setText(tr("No sample events: type some above, or send some with the publisher"));
    else if (!m_draft)
        m_summary->setText(
            tr("%n sample event(s); the draft does not parse, so nothing is matched", nullptr, int(events.size())));
    else
        m_summary->setText(
            tr("The draft receives %1 of %n sample event(s)", nullptr, int(events.size())).arg(m_model->matchCount()));
}
