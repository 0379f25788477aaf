#pragma once

#include "resume.h"

#include <QCoreApplication>

#include <optional>

class QWidget;

namespace hopscope {

// What the window asks when it starts and the audit trail holds a run that did not finish
// (the app or the machine went down): resume it, abandon it (recorded, so it is not offered
// at every start) or not now. When the step it would go on with was cut off while changing
// something, it also asks whether to run that step again or treat it as done; nothing runs
// again unasked.
class ResumeOffer {
    Q_DECLARE_TR_FUNCTIONS(ResumeOffer)
public:
    struct Choice {
        ResumeRequest request;
        bool rerun = true;  // run the interrupted step again (it still asks first), else skip it
    };

    // Asks about the newest resumable run in `audit`, modally; the run to resume, or nothing
    // (none to offer, declined, abandoned, or it cannot be resumed: the box says why).
    static std::optional<Choice> ask(QWidget* parent, AuditLog& audit);
};

} // namespace hopscope
