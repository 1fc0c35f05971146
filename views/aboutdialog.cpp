// SPDX-License-Identifier: Apache-2.0
#include "aboutdialog.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QSysInfo>
#include <QVBoxLayout>

#include <librdkafka/rdkafka.h>

using namespace Qt::StringLiterals;

namespace {

struct Component {
    QString name;
    QString version;
};

QList<Component> components()
{
    QString qt = QString::fromLatin1(qVersion());
    if (qt != QLatin1StringView(QT_VERSION_STR))
        qt += u" (built with "_s + QLatin1StringView(QT_VERSION_STR) + u')';
    return {
        { u"Qt"_s, qt },
        { u"librdkafka"_s, QString::fromLatin1(rd_kafka_version_str()) },
        // Defined by the top-level CMakeLists.txt for this file only: yaml-cpp 0.7 has no run-time version call, so
        // this is the version CMake found and the binary was built against.
        { u"yaml-cpp"_s, QStringLiteral(MESHSCOPE_YAML_CPP_VERSION) },
    };
}

QString platform()
{
    return QSysInfo::prettyProductName() + u", "_s + QSysInfo::currentCpuArchitecture() + u", Qt platform "_s
        + QGuiApplication::platformName();
}

} // namespace

AboutDialog::AboutDialog(QWidget* parent)
    : QDialog(parent)
{
    const QString name = QGuiApplication::applicationDisplayName();
    setWindowTitle(tr("About %1").arg(name));

    auto* icon = new QLabel(this);
    const int iconSize = style()->pixelMetric(QStyle::PM_LargeIconSize) * 2;
    if (!windowIcon().isNull())
        icon->setPixmap(windowIcon().pixmap(iconSize, iconSize));

    auto* title = new QLabel(
        u"<h2>"_s + name.toHtmlEscaped() + u' ' + QCoreApplication::applicationVersion().toHtmlEscaped() + u"</h2>"_s,
        this);
    title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* summary = new QLabel(tr("A desktop console for Knative Eventing meshes."), this);
    summary->setWordWrap(true);

    QString versions = u"<table>"_s;
    for (const auto& component : components())
        versions += u"<tr><td>"_s + component.name.toHtmlEscaped() + u"</td><td>&nbsp;&nbsp;"_s
            + component.version.toHtmlEscaped() + u"</td></tr>"_s;
    versions += u"</table>"_s;
    m_versions = new QLabel(versions, this);
    m_versions->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* links = new QLabel(tr("Licensed under the <a href=\"%1\">Apache License 2.0</a>.<br><a href=\"%2\">%2</a>")
                                 .arg(u"https://www.apache.org/licenses/LICENSE-2.0"_s,
                                     QStringLiteral(MESHSCOPE_HOMEPAGE_URL).toHtmlEscaped()),
        this);
    links->setOpenExternalLinks(true);
    links->setTextInteractionFlags(Qt::TextBrowserInteraction);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_copy = buttons->addButton(tr("&Copy Details"), QDialogButtonBox::ActionRole);
    m_copy->setToolTip(tr("Copy the versions and the platform, for a bug report"));
    connect(m_copy, &QPushButton::clicked, this, [] { QGuiApplication::clipboard()->setText(details()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* text = new QVBoxLayout;
    text->addWidget(title);
    text->addWidget(summary);
    text->addSpacing(8);
    text->addWidget(m_versions);
    text->addSpacing(8);
    text->addWidget(links);
    auto* top = new QHBoxLayout;
    top->addWidget(icon, 0, Qt::AlignTop);
    top->addLayout(text, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(buttons);
    layout->setSizeConstraint(QLayout::SetFixedSize);
}

QString AboutDialog::details()
{
    QString text = QGuiApplication::applicationDisplayName() + u' ' + QCoreApplication::applicationVersion() + u'\n';
    for (const auto& component : components())
        text += component.name + u": "_s + component.version + u'\n';
    text += u"Platform: "_s + platform() + u'\n';
    return text;
}
