// SPDX-License-Identifier: Apache-2.0
// Registered secrets and credential-looking text never survive redaction; ordinary text does.
#include "secretredactor.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestSecretRedactor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanupTestCase();
    void registered_data();
    void registered();
    void patterns_data();
    void patterns();
    void keyData();
    void shortValuesAreNotRegistered();
};

void TestSecretRedactor::init() { SecretRedactor::clear(); }

void TestSecretRedactor::cleanupTestCase() { SecretRedactor::clear(); }

void TestSecretRedactor::registered_data()
{
    QTest::addColumn<QStringList>("secrets");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    const QString m = SecretRedactor::mask();
    QTest::addRow("bearer token anywhere") << QStringList { u"eyJhbGciOiJSUzI1NiJ9.abc.def"_s }
                                           << u"request failed with eyJhbGciOiJSUzI1NiJ9.abc.def in it"_s
                                           << QString(u"request failed with "_s + m + u" in it"_s);
    QTest::addRow("sasl password in a message")
        << QStringList { u"s3cr3t-sasl"_s } << u"login as alice/s3cr3t-sasl refused"_s
        << QString(u"login as alice/"_s + m + u" refused"_s);
    QTest::addRow("longest first") << QStringList { u"abcd"_s, u"abcdefgh"_s } << u"x abcdefgh y abcd"_s
                                   << QString(u"x "_s + m + u" y "_s + m);
    QTest::addRow("every occurrence") << QStringList { u"tok-123456"_s } << u"tok-123456 tok-123456"_s
                                      << QString(m + u" "_s + m);
    QTest::addRow("surrounding whitespace ignored") << QStringList { u"  rabbit-pass\n"_s } << u"rabbit-pass"_s << m;
    QTest::addRow("unrelated text kept") << QStringList { u"zzzz-9999"_s } << u"Synced 42 objects from kind"_s
                                         << u"Synced 42 objects from kind"_s;
}

void TestSecretRedactor::registered()
{
    QFETCH(QStringList, secrets);
    QFETCH(QString, text);
    QFETCH(QString, expected);
    for (const auto& secret : secrets)
        SecretRedactor::registerSecret(secret);
    QCOMPARE(SecretRedactor::redact(text), expected);
}

void TestSecretRedactor::patterns_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    const QString m = SecretRedactor::mask();
    QTest::addRow("authorization bearer")
        << u"Authorization: Bearer abc.def.ghi"_s << QString(u"Authorization: Bearer "_s + m);
    QTest::addRow("authorization basic lower case")
        << u"authorization: basic dXNlcjpwYXNz"_s << QString(u"authorization: basic "_s + m);
    QTest::addRow("password=") << u"connect amqp host password=hunter22 vhost=/"_s
                               << QString(u"connect amqp host password="_s + m + u" vhost=/"_s);
    QTest::addRow("sasl.password: yaml") << u"sasl.password: hunter22"_s << QString(u"sasl.password: "_s + m);
    QTest::addRow("json token") << u"{\"kind\":\"ExecCredential\",\"status\":{\"token\": \"abc\\\"def\"}}"_s
                                << QString(u"{\"kind\":\"ExecCredential\",\"status\":{\"token\": \""_s + m + u"\"}}"_s);
    QTest::addRow("json password") << u"{\"password\":\"p\"}"_s << QString(u"{\"password\":\""_s + m + u"\"}"_s);
    QTest::addRow("access_token in a query")
        << u"GET /x?access_token=abc&y=1"_s << QString(u"GET /x?access_token="_s + m + u"&y=1"_s);
    QTest::addRow("url user info") << u"amqp://guest:guestpass@rabbit:5672/"_s
                                   << QString(u"amqp://guest:"_s + m + u"@rabbit:5672/"_s);
    QTest::addRow("private key") << u"key: -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- ok"_s
                                 << QString(u"key: -----BEGIN RSA PRIVATE KEY-----"_s + m
                                        + u"-----END RSA PRIVATE KEY----- ok"_s);
    QTest::addRow("plain text kept") << u"Synced 120 objects from kind-dev in 3 namespaces"_s
                                     << u"Synced 120 objects from kind-dev in 3 namespaces"_s;
    QTest::addRow("a tokenless sentence kept")
        << u"the broker refused the request (403)"_s << u"the broker refused the request (403)"_s;
}

void TestSecretRedactor::patterns()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(SecretRedactor::redact(text), expected);
}

void TestSecretRedactor::keyData()
{
    const QByteArray pem
        = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oVHdGPMAtQXHoAoGCCqGSM49\n"
          "-----END EC PRIVATE KEY-----\n";
    SecretRedactor::registerSecret(pem);
    const QString line = u"MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oVHdGPMAtQXHoAoGCCqGSM49"_s;
    QVERIFY(!SecretRedactor::redact(u"a line alone: "_s + line).contains(line));
    QVERIFY(!SecretRedactor::redact(QString::fromUtf8(pem)).contains(line));
    // The armour is not secret and stays readable.
    QVERIFY(SecretRedactor::redact(u"-----BEGIN EC PRIVATE KEY-----"_s).contains(u"BEGIN"_s));
}

void TestSecretRedactor::shortValuesAreNotRegistered()
{
    SecretRedactor::registerSecret(u"ab"_s);
    SecretRedactor::registerSecret(QString());
    QCOMPARE(SecretRedactor::secretCount(), 0);
    QCOMPARE(SecretRedactor::redact(u"abc ab"_s), u"abc ab"_s);
}

QTEST_GUILESS_MAIN(TestSecretRedactor)

#include "tst_secretredactor.moc"
