// SPDX-License-Identifier: Apache-2.0
#pragma once

// A minimal HTTP/1.1 keep-alive receiver on its own thread for tests and benchmarks of publishing: it reads each
// request (headers, then Content-Length bytes of body) and answers with a fixed status and no body, as a broker's
// ingress answers 202. It decodes nothing; it counts requests and keeps the last one.

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QMutex>
#include <QMutexLocker>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <atomic>
#include <memory>

class LocalReceiver {
public:
    explicit LocalReceiver(int status = 202)
        : m_status(status)
    {
        m_thread.start();
        m_server = new Server(this);
        m_server->moveToThread(&m_thread);
        QMetaObject::invokeMethod(
            m_server, [this] { m_server->listen(QHostAddress::LocalHost); }, Qt::BlockingQueuedConnection);
    }
    ~LocalReceiver()
    {
        QMetaObject::invokeMethod(
            m_server, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    LocalReceiver(const LocalReceiver&) = delete;
    LocalReceiver& operator=(const LocalReceiver&) = delete;

    quint16 port() const { return m_server->serverPort(); }
    QByteArray url() const { return "http://127.0.0.1:" + QByteArray::number(port()) + '/'; }
    void setStatus(int status) { m_status = status; }
    int requestCount() const { return m_requests; }
    // The last request's head (request line and headers) and body.
    QByteArray lastHead() const
    {
        const QMutexLocker lock(&m_mutex);
        return m_lastHead;
    }
    QByteArray lastBody() const
    {
        const QMutexLocker lock(&m_mutex);
        return m_lastBody;
    }

private:
    class Server : public QTcpServer {
    public:
        explicit Server(LocalReceiver* owner)
            : m_owner(owner)
        {
            connect(this, &QTcpServer::newConnection, this, [this] {
                while (QTcpSocket* socket = nextPendingConnection()) {
                    socket->setParent(this);
                    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { serve(socket); });
                    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                        m_buffers.remove(socket);
                        socket->deleteLater();
                    });
                }
            });
        }

    private:
        void serve(QTcpSocket* socket)
        {
            QByteArray& buffer = m_buffers[socket];
            buffer += socket->readAll();
            QByteArray answers;
            while (true) {
                const auto headerEnd = buffer.indexOf("\r\n\r\n");
                if (headerEnd < 0)
                    break;
                qsizetype length = 0;
                const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
                for (const QByteArray& line : lines) {
                    if (line.toLower().startsWith("content-length:"))
                        length = line.mid(15).trimmed().toLongLong();
                }
                if (buffer.size() < headerEnd + 4 + length)
                    break;
                {
                    const QMutexLocker lock(&m_owner->m_mutex);
                    m_owner->m_lastHead = buffer.left(headerEnd);
                    m_owner->m_lastBody = buffer.mid(headerEnd + 4, length);
                }
                buffer.remove(0, headerEnd + 4 + length);
                ++m_owner->m_requests;
                answers += "HTTP/1.1 " + QByteArray::number(m_owner->m_status.load())
                    + " Status\r\nContent-Length: 0\r\n\r\n";
            }
            if (!answers.isEmpty())
                socket->write(answers);
        }

        LocalReceiver* m_owner;
        QHash<QTcpSocket*, QByteArray> m_buffers;
    };

    QThread m_thread;
    Server* m_server = nullptr;
    std::atomic<int> m_status;
    std::atomic<int> m_requests { 0 };
    mutable QMutex m_mutex;
    QByteArray m_lastHead;
    QByteArray m_lastBody;
};
