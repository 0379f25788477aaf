#include "resumeoffer.h"

#include <QDateTime>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>

namespace hopscope {

namespace {

// The interrupted step may have done its work: run it again, or treat it as done? Null: cancel.
std::optional<bool> askRerun(QWidget* parent, const QString& title, const PlanStep& step)
{
    QMessageBox unknown(QMessageBox::Warning, title,
                        ResumeOffer::tr("Step %1, %2, was running when the run stopped: nobody knows whether it did its work.")
                            .arg(step.number, step.title),
                        QMessageBox::NoButton, parent);
    unknown.setInformativeText(ResumeOffer::tr("It may have changed something already. Run it again (it asks first), or "
                                               "treat it as done (recorded as skipped)?"));
    unknown.setDetailedText(step.preview.rendered);
    QPushButton* again = unknown.addButton(ResumeOffer::tr("Run it &again"), QMessageBox::AcceptRole);
    QPushButton* done = unknown.addButton(ResumeOffer::tr("&Treat it as done"), QMessageBox::AcceptRole);
    QPushButton* cancel = unknown.addButton(QMessageBox::Cancel);
    unknown.setDefaultButton(cancel);
    unknown.setEscapeButton(cancel);
    unknown.exec();
    if (unknown.clickedButton() != again && unknown.clickedButton() != done)
        return std::nullopt;
    return unknown.clickedButton() == again;
}

} // namespace

std::optional<ResumeOffer::Choice> ResumeOffer::ask(QWidget* parent, AuditLog& audit)
{
    const std::vector<AuditRun> runs = resumableRuns(audit);
    if (runs.empty())
        return std::nullopt;
    const AuditRun& run = runs.front();  // the newest; `hopscope report --list --unfinished` lists all
    const QString title = tr("Resume Run");
    const QString what = tr("The run of “%1” on %2, started %3, did not finish.")
                             .arg(run.runbookTitle, run.environment,
                                  QLocale().toString(QDateTime::fromMSecsSinceEpoch(run.startedMs), QLocale::ShortFormat));
    RunSetupError problem;
    std::optional<ResumeRequest> request = prepareResume(audit, run.id, {}, &problem);
    // Without a way to let it go, a run that cannot go on would be offered at every start.
    const auto abandon = [&] {
        if (!audit.finishRun(run.id, QStringLiteral("abandoned"), QDateTime::currentMSecsSinceEpoch()))
            QMessageBox::warning(parent, title, tr("The run could not be marked as abandoned: %1").arg(audit.error()));
    };
    if (!request) {
        QMessageBox cannot(QMessageBox::Warning, title, what, QMessageBox::NoButton, parent);
        cannot.setInformativeText(tr("It cannot be resumed: %1").arg(problem.text()));
        QPushButton* drop = cannot.addButton(tr("&Abandon It"), QMessageBox::DestructiveRole);
        cannot.setDefaultButton(cannot.addButton(tr("&Not Now"), QMessageBox::RejectRole));
        cannot.exec();
        if (cannot.clickedButton() == drop)
            abandon();
        return std::nullopt;
    }
    const ResumePoint& point = request->point;
    const PlanStep* next =
        point.position < 0 ? nullptr : &request->plan.steps[std::size_t(request->plan.topLevel[std::size_t(point.position)])];
    QMessageBox offer(QMessageBox::Question, title, what, QMessageBox::NoButton, parent);
    offer.setInformativeText(next ? tr("It would go on at step %1, %2. Every step that changes something asks first, as in a new run.")
                                        .arg(next->number, next->title)
                                  : tr("Every step is done; resuming records the run as finished."));
    QPushButton* resume = offer.addButton(tr("&Resume"), QMessageBox::AcceptRole);
    QPushButton* drop = offer.addButton(tr("&Abandon It"), QMessageBox::DestructiveRole);
    QPushButton* notNow = offer.addButton(tr("&Not Now"), QMessageBox::RejectRole);
    offer.setDefaultButton(notNow);
    offer.setEscapeButton(notNow);
    offer.exec();
    if (offer.clickedButton() == drop)
        abandon();
    if (offer.clickedButton() != resume)
        return std::nullopt;
    bool rerun = true;  // an unknown step that changes nothing simply runs again
    if (point.unknownChanges) {
        const std::optional<bool> again = askRerun(parent, title, *next);
        if (!again)
            return std::nullopt;
        rerun = *again;
    }
    return Choice{std::move(*request), rerun};
}

} // namespace hopscope
