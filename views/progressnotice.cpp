// SPDX-License-Identifier: Apache-2.0
#include "progressnotice.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>

ProgressNotice::ProgressNotice(QWidget* parent)
    : QWidget(parent)
    , m_label(new QLabel)
    , m_bar(new QProgressBar)
    , m_cancel(new QToolButton)
{
    setObjectName(QStringLiteral("progressNotice"));
    m_bar->setRange(0, 0);
    m_bar->setMaximumWidth(120);
    m_bar->setMaximumHeight(14);
    m_bar->setTextVisible(false);
    m_bar->setAccessibleName(tr("Busy"));
    m_cancel->setAutoRaise(true);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Cancel"));
    m_cancel->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    connect(m_cancel, &QToolButton::clicked, this, &ProgressNotice::cancelRequested);
    m_delay.setSingleShot(true);
    m_delay.setInterval(delayMs);
    connect(&m_delay, &QTimer::timeout, this, [this] {
        if (m_running)
            show();
    });
    hide();
}

void ProgressNotice::start(const QString& text, const QString& cancelText)
{
    m_label->setText(text);
    if (!cancelText.isEmpty()) {
        m_cancel->setText(cancelText);
        m_cancel->setToolTip(cancelText);
    }
    m_cancel->setVisible(!cancelText.isEmpty());
    m_running = true;
    if (isHidden())
        m_delay.start();
}

void ProgressNotice::setText(const QString& text) { m_label->setText(text); }

QString ProgressNotice::text() const { return m_label->text(); }

void ProgressNotice::finish()
{
    m_running = false;
    m_delay.stop();
    hide();
}
