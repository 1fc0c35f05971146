// SPDX-License-Identifier: Apache-2.0
#include "clusterbar.h"

#include <QComboBox>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>

using namespace Qt::StringLiterals;

namespace {
QAction* actionNamed(QMenu* menu, const QString& text)
{
    const auto actions = menu->actions();
    for (QAction* action : actions) {
        if (action->text() == text)
            return action;
    }
    return nullptr;
}
} // namespace

class TestClusterBar : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void choosesContext()
    {
        ClusterBar bar;
        QSignalSpy requested(&bar, &ClusterBar::contextRequested);
        bar.setContexts({ u"dev"_s, u"prod"_s }, u"prod"_s);
        QCOMPARE(bar.currentContext(), u"prod"_s);
        QVERIFY(requested.isEmpty()); // showing the current one is not a request
        Q_EMIT bar.contextBox()->activated(0);
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.at(0).at(0).toString(), u"dev"_s);
    }

    void choosesNamespaces_data()
    {
        QTest::addColumn<QStringList>("selected");
        QTest::addColumn<QString>("toggle");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<QString>("buttonText");
        QTest::addRow("all -> one") << QStringList() << u"shop"_s << QStringList { u"shop"_s } << u"shop ▾"_s;
        QTest::addRow("one -> two") << QStringList { u"shop"_s } << u"billing"_s
                                    << QStringList { u"billing"_s, u"shop"_s } << u"billing, shop ▾"_s;
        QTest::addRow("two -> one") << QStringList { u"billing"_s, u"shop"_s } << u"billing"_s
                                    << QStringList { u"shop"_s } << u"shop ▾"_s;
        QTest::addRow("one -> all") << QStringList { u"shop"_s } << u"All namespaces"_s << QStringList()
                                    << u"All namespaces ▾"_s;
        QTest::addRow("three") << QStringList { u"billing"_s, u"shop"_s } << u"audit"_s
                               << QStringList { u"audit"_s, u"billing"_s, u"shop"_s } << u"3 namespaces ▾"_s;
    }

    void choosesNamespaces()
    {
        QFETCH(QStringList, selected);
        QFETCH(QString, toggle);
        QFETCH(QStringList, expected);
        QFETCH(QString, buttonText);
        ClusterBar bar;
        bar.setNamespaces({ u"audit"_s, u"billing"_s, u"shop"_s }, selected);
        QSignalSpy requested(&bar, &ClusterBar::namespacesRequested);
        QAction* action = actionNamed(bar.namespaceButton()->menu(), toggle);
        QVERIFY(action);
        action->trigger();
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.at(0).at(0).toStringList(), expected);
        QCOMPARE(bar.selectedNamespaces(), expected);
        QCOMPARE(bar.namespaceButton()->text(), buttonText);
    }

    // A namespace the user typed (when listing namespaces is forbidden) stays in the menu.
    void keepsTypedNamespaces()
    {
        ClusterBar bar;
        bar.setNamespaces({}, { u"private"_s });
        QVERIFY(actionNamed(bar.namespaceButton()->menu(), u"private"_s));
        QVERIFY(actionNamed(bar.namespaceButton()->menu(), u"private"_s)->isChecked());
    }

    void listsKindStates()
    {
        ClusterBar bar;
        bar.setKindStates({ { u"brokers.eventing.knative.dev"_s, u"synced"_s, {}, KindStateRow::Level::Ok },
            { u"triggers.eventing.knative.dev"_s, u"forbidden"_s,
                u"Forbidden: not allowed to list triggers.eventing.knative.dev in namespace \"shop\""_s,
                KindStateRow::Level::Error } });
        QCOMPARE(bar.stateList()->topLevelItemCount(), 2);
        QCOMPARE(bar.stateList()->topLevelItem(1)->text(1), u"forbidden"_s);
        QVERIFY(bar.stateList()->topLevelItem(1)->text(2).contains(u"namespace \"shop\""_s));
        bar.setSummary(u"1 of 2 kinds synced, 1 with problems"_s, KindStateRow::Level::Warning);
        QCOMPARE(bar.summaryText(), u"1 of 2 kinds synced, 1 with problems"_s);
    }
};

QTEST_MAIN(TestClusterBar)
#include "tst_clusterbar.moc"
