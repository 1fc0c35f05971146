// SPDX-License-Identifier: Apache-2.0
// Start-up: launches the real `meshscope --demo` and times it to the first paint of its main window (the goal: under
// 0.5 s). The application reports the paint itself when MESHSCOPE_REPORT_FIRST_PAINT=1 (see app/main.cpp) and quits.
// One warm-up run fills the page cache, as a second launch from the menu would find it; then five measured runs.
// Runs on the offscreen platform unless QT_QPA_PLATFORM says otherwise (e.g. xcb on an Xvfb display).
// Prints one JSON line per figure; exits 1 when the median is over the goal.
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <utility>

using namespace Qt::StringLiterals;

namespace {

constexpr int runs = 5;
constexpr double goalMs = 500;

struct Launch {
    double launchToPaintMs = 0; // measured here, from QProcess::start to the report's arrival
    double processToPaintMs = 0; // reported by the app, from its start time in /proc (10 ms resolution)
    double mainToPaintMs = 0; // reported by the app, from the first line of main()
};

std::optional<Launch> launch(const QString& home)
{
    auto environment = QProcessEnvironment::systemEnvironment();
    if (!environment.contains(u"QT_QPA_PLATFORM"_s))
        environment.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    environment.insert(u"MESHSCOPE_REPORT_FIRST_PAINT"_s, u"1"_s);
    // A first start: no saved settings, layout or cache from the developer's own runs.
    for (const auto& [variable, folder] : { std::pair { u"XDG_CONFIG_HOME"_s, u"/config"_s },
             std::pair { u"XDG_DATA_HOME"_s, u"/data"_s }, std::pair { u"XDG_CACHE_HOME"_s, u"/cache"_s } })
        environment.insert(variable, home + folder);
    environment.remove(u"KUBECONFIG"_s);

    QProcess process;
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QElapsedTimer timer;
    timer.start();
    process.start(QStringLiteral(MESHSCOPE_BINARY), { u"--demo"_s });
    std::optional<Launch> result;
    while (!result && process.waitForReadyRead(30000)) {
        while (process.canReadLine()) {
            const auto line = process.readLine().trimmed();
            const auto report = QJsonDocument::fromJson(line).object();
            if (!report.contains(u"firstPaintMs"_s))
                continue;
            const double launchMs = double(timer.nsecsElapsed()) / 1e6;
            result = Launch { launchMs, report.value(u"firstPaintMs"_s).toDouble(),
                report.value(u"sinceMainMs"_s).toDouble() };
            break;
        }
    }
    if (!process.waitForFinished(10000)) {
        std::fprintf(stderr, "bench_startup: meshscope did not quit after its first paint\n");
        process.kill();
        process.waitForFinished();
        return std::nullopt;
    }
    if (!result)
        std::fprintf(
            stderr, "bench_startup: meshscope exited (%d) without reporting its first paint\n", process.exitCode());
    return result;
}

void print(const char* metric, double value)
{
    std::printf("{\"bench\": \"startup\", \"metric\": \"%s\", \"value\": %.1f, \"unit\": \"ms\"}\n", metric, value);
    std::fflush(stdout);
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

double maximum(const QList<double>& values) { return *std::max_element(values.begin(), values.end()); }

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QTemporaryDir home;
    if (!home.isValid() || !launch(home.path()))
        return 1;
    QList<double> launchMs;
    QList<double> processMs;
    QList<double> mainMs;
    for (int run = 0; run < runs; ++run) {
        const auto measured = launch(home.path());
        if (!measured)
            return 1;
        launchMs.append(measured->launchToPaintMs);
        processMs.append(measured->processToPaintMs);
        mainMs.append(measured->mainToPaintMs);
    }
    print("launch_to_first_paint_median", median(launchMs));
    print("launch_to_first_paint_max", maximum(launchMs));
    print("process_start_to_first_paint_median", median(processMs));
    print("main_to_first_paint_median", median(mainMs));
    print("main_to_first_paint_max", maximum(mainMs));
    if (median(launchMs) > goalMs) {
        std::fprintf(stderr, "bench_startup: the median start-up, %.1f ms, is over the goal of %.0f ms\n",
            median(launchMs), goalMs);
        return 1;
    }
    return 0;
}
