#pragma once

#include "diagnosis.h"
#include "environment.h"

#include <QObject>
#include <QString>

#include <chrono>
#include <memory>

namespace hopscope {

class Scheduler;

// Probes every hop of one environment once and says what it saw, as Markdown for the audit
// trail and the incident timeline: the likely cause with its evidence, then each hop's colour.
// The run records it when it starts (the diagnosis that led to the run) and when it ends (the
// state it left). Asynchronous: `finished` follows start() on this object's thread.
class EnvironmentProbe final : public QObject {
    Q_OBJECT
public:
    explicit EnvironmentProbe(QObject* parent = nullptr);
    ~EnvironmentProbe() override;

    void start(const Environment& environment, std::chrono::milliseconds timeout);

signals:
    void finished(const QString& markdown, hopscope::HopStatus overall);

private:
    std::unique_ptr<Scheduler> m_scheduler;
    Environment m_environment;
    ResultsByHop m_results;
};

// The Markdown EnvironmentProbe reports, from results in hand (the GUI has them already).
QString describeDiagnosis(const Environment& environment, const Diagnosis& diagnosis);

} // namespace hopscope
