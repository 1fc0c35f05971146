// SPDX-License-Identifier: Apache-2.0
#include "manifestsource.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <optional>

using namespace Qt::StringLiterals;

namespace {

QByteArray service(const QByteArray& name)
{
    return "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name + "\n";
}

bool writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(content) == content.size();
}

QStringList names(const QList<KnativeObjectPtr>& objects)
{
    QStringList result;
    for (const auto& object : objects)
        result.append(object->key.name);
    result.sort();
    return result;
}

// The last snapshot and issues per origin, as a consumer such as the ObjectStore sees them.
struct Recorder {
    QHash<QString, QList<KnativeObjectPtr>> objects;
    QHash<QString, QList<SourceIssue>> issues;

    explicit Recorder(ManifestSource& source)
    {
        QObject::connect(&source, &ObjectSource::snapshot, &source,
            [this](const QString& origin, const QList<KnativeObjectPtr>& list) { objects.insert(origin, list); });
        QObject::connect(&source, &ObjectSource::issues, &source,
            [this](const QString& origin, const QList<SourceIssue>& list) { issues.insert(origin, list); });
    }
    QStringList namesIn(const QString& origin) const { return names(objects.value(origin)); }
};

} // namespace

class TestManifestSource : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        qRegisterMetaType<QList<KnativeObjectPtr>>();
        qRegisterMetaType<QList<SourceIssue>>();
    }

    void init()
    {
        m_dir.emplace();
        QVERIFY(m_dir->isValid());
    }

    void cleanup() { m_dir.reset(); }

    void readsFolder()
    {
        QVERIFY(writeFile(path(u"a.yaml"_s), service("one") + "---\n" + service("two")));
        QVERIFY(writeFile(path(u"b.json"_s),
            R"({"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Service","metadata":{"name":"three"}}]})"));
        QVERIFY(writeFile(path(u"notes.txt"_s), "not a manifest"));
        QVERIFY(QDir(m_dir->path()).mkdir(u"nested"_s));
        QVERIFY(writeFile(path(u"nested/c.yml"_s), service("four")));

        ManifestSource source;
        source.addPath(m_dir->path());
        QVERIFY(source.displayName().contains(QDir::toNativeSeparators(m_dir->path())));
        QSignalSpy snapshots(&source, &ObjectSource::snapshot);
        QSignalSpy issues(&source, &ObjectSource::issues);
        Recorder recorder(source);
        source.start();

        QCOMPARE(snapshots.count(), 3);
        QCOMPARE(issues.count(), 3);
        QCOMPARE(recorder.namesIn(path(u"a.yaml"_s)), (QStringList { u"one"_s, u"two"_s }));
        QCOMPARE(recorder.namesIn(path(u"b.json"_s)), QStringList { u"three"_s });
        QCOMPARE(recorder.namesIn(path(u"nested/c.yml"_s)), QStringList { u"four"_s });
        for (const auto& list : std::as_const(recorder.issues))
            QVERIFY(list.isEmpty());
        const auto one = recorder.objects.value(path(u"a.yaml"_s)).constFirst();
        QCOMPARE(one->origin, path(u"a.yaml"_s));
        QCOMPARE(one->location.toString(), path(u"a.yaml"_s) + u":1:1"_s);
    }

    void followsChanges()
    {
        QVERIFY(writeFile(path(u"a.yaml"_s), service("one")));
        ManifestSource source;
        source.setDebounceInterval(50);
        source.addPath(m_dir->path());
        QSignalSpy snapshots(&source, &ObjectSource::snapshot);
        Recorder recorder(source);
        source.start();
        QCOMPARE(snapshots.count(), 1);

        // Modified in place.
        QVERIFY(writeFile(path(u"a.yaml"_s), service("changed")));
        QTRY_COMPARE(recorder.namesIn(path(u"a.yaml"_s)), QStringList { u"changed"_s });

        // Added to the folder, also in a new subfolder.
        QVERIFY(writeFile(path(u"b.yaml"_s), service("added")));
        QTRY_COMPARE(recorder.namesIn(path(u"b.yaml"_s)), QStringList { u"added"_s });
        QVERIFY(QDir(m_dir->path()).mkdir(u"later"_s));
        QTRY_VERIFY(snapshots.count() >= 3);
        QVERIFY(writeFile(path(u"later/c.yaml"_s), service("deeper")));
        QTRY_COMPARE(recorder.namesIn(path(u"later/c.yaml"_s)), QStringList { u"deeper"_s });

        // Removed: an empty snapshot for that file only.
        const auto before = snapshots.count();
        QVERIFY(QFile::remove(path(u"a.yaml"_s)));
        QTRY_VERIFY(recorder.objects.value(path(u"a.yaml"_s)).isEmpty());
        QTRY_COMPARE(snapshots.count(), before + 1);
        QCOMPARE(snapshots.constLast().at(0).toString(), path(u"a.yaml"_s));
        QCOMPARE(recorder.namesIn(path(u"b.yaml"_s)), QStringList { u"added"_s });
    }

    void replacedByRename()
    {
        // How many editors save: write a temporary file, then rename it over the original.
        const auto file = path(u"a.yaml"_s);
        QVERIFY(writeFile(file, service("one")));
        ManifestSource source;
        source.setDebounceInterval(50);
        source.addPath(file);
        Recorder recorder(source);
        source.start();
        QCOMPARE(recorder.namesIn(file), QStringList { u"one"_s });

        for (const auto& name : { "two", "three" }) {
            const auto temporary = path(u".a.yaml.tmp"_s);
            QVERIFY(writeFile(temporary, service(name)));
            QVERIFY(std::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(file).constData()) == 0);
            QTRY_COMPARE(recorder.namesIn(file), QStringList { QString::fromLatin1(name) });
        }
    }

    void singleFileDeletedAndRecreated()
    {
        const auto file = path(u"only.yaml"_s);
        QVERIFY(writeFile(file, service("first")));
        QVERIFY(writeFile(path(u"other.yaml"_s), service("ignored")));
        ManifestSource source;
        source.setDebounceInterval(50);
        source.addPath(file);
        QSignalSpy snapshots(&source, &ObjectSource::snapshot);
        Recorder recorder(source);
        source.start();
        QCOMPARE(snapshots.count(), 1);

        QVERIFY(QFile::remove(file));
        QTRY_COMPARE(snapshots.count(), 2);
        QVERIFY(recorder.objects.value(file).isEmpty());

        QVERIFY(writeFile(file, service("second")));
        QTRY_COMPARE(recorder.namesIn(file), QStringList { u"second"_s });
        // Files next to it are not part of the source.
        QVERIFY(!recorder.objects.contains(path(u"other.yaml"_s)));
    }

    void brokenFileReportsIssues()
    {
        const auto file = path(u"broken.yaml"_s);
        QVERIFY(
            writeFile(file, service("good") + "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: x\n   y: 1\n"));
        ManifestSource source;
        source.setDebounceInterval(50);
        source.addPath(m_dir->path());
        QSignalSpy issues(&source, &ObjectSource::issues);
        Recorder recorder(source);
        source.start();

        QCOMPARE(issues.count(), 1);
        QCOMPARE(recorder.namesIn(file), QStringList { u"good"_s });
        const auto reported = recorder.issues.value(file);
        QCOMPARE(reported.size(), 1);
        QCOMPARE(reported.constFirst().severity, SourceIssue::Severity::Error);
        QCOMPARE(reported.constFirst().location.file, file);
        QCOMPARE(reported.constFirst().location.line, 10);
        QVERIFY(reported.constFirst().location.column > 0);

        // Fixing the file clears the issues.
        QVERIFY(writeFile(file, service("good")));
        QTRY_VERIFY(recorder.issues.value(file).isEmpty());
    }

    void burstsAreDebounced()
    {
        const auto file = path(u"a.yaml"_s);
        QVERIFY(writeFile(file, service("v0")));
        ManifestSource source;
        source.setDebounceInterval(200);
        source.addPath(m_dir->path());
        QSignalSpy snapshots(&source, &ObjectSource::snapshot);
        Recorder recorder(source);
        source.start();
        for (int i = 1; i <= 20; ++i)
            QVERIFY(writeFile(file, service("v" + QByteArray::number(i))));
        QTRY_COMPARE(recorder.namesIn(file), QStringList { u"v20"_s });
        // One initial read plus far fewer reads than writes.
        QVERIFY2(snapshots.count() <= 3, qPrintable(QString::number(snapshots.count())));
    }

    void missingPath()
    {
        const auto missing = path(u"does-not-exist"_s);
        ManifestSource source;
        source.setDebounceInterval(50);
        source.addPath(missing);
        Recorder recorder(source);
        source.start();
        QCOMPARE(recorder.issues.value(missing).size(), 1);
        QVERIFY(recorder.issues.value(missing).constFirst().message.contains(u"no such file"_s));

        QVERIFY(QDir(m_dir->path()).mkdir(u"does-not-exist"_s));
        QTRY_VERIFY(recorder.issues.value(missing).isEmpty());
        QVERIFY(writeFile(missing + u"/a.yaml"_s, service("late")));
        QTRY_COMPARE(recorder.namesIn(missing + u"/a.yaml"_s), QStringList { u"late"_s });
    }

    void manifestFileNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("manifest");
        QTest::addRow("yaml") << u"a.yaml"_s << true;
        QTest::addRow("yml") << u"a.yml"_s << true;
        QTest::addRow("json") << u"a.json"_s << true;
        QTest::addRow("upper case") << u"A.YAML"_s << true;
        QTest::addRow("text") << u"a.txt"_s << false;
        QTest::addRow("backup") << u"a.yaml~"_s << false;
        QTest::addRow("swap") << u".a.yaml.swp"_s << false;
    }

    void manifestFileNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, manifest);
        QCOMPARE(ManifestSource::isManifestFile(name), manifest);
    }

private:
    QString path(const QString& relative) const { return QDir::cleanPath(m_dir->filePath(relative)); }

    std::optional<QTemporaryDir> m_dir;
};

QTEST_GUILESS_MAIN(TestManifestSource)
#include "tst_manifestsource.moc"
