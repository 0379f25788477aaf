#pragma once

#include "runbook.h"
#include "runplan.h"

#include <QDialog>

#include <map>
#include <optional>
#include <string>
#include <vector>

class QCheckBox;
class QDialogButtonBox;
class QLabel;

namespace hopscope {

// Asks for a runbook's parameters before a run: one typed editor each, filled with the default
// rendered against the environment. OK makes the plan; what makePlan refuses is shown here,
// and the dialog stays open until the values make a plan.
class ParametersDialog final : public QDialog {
    Q_OBJECT
public:
    ParametersDialog(const Runbook& runbook, const Environment& environment, QWidget* parent = nullptr);
    ~ParametersDialog() override;

    // The values the engineer set, by name: only those that differ from the default, so a
    // default that comes from a secret stays masked as one.
    std::map<std::string, std::string> values() const;
    bool dryRun() const;
    void setDryRun(bool dryRun);
    // The plan made when the dialog was accepted.
    const std::optional<RunPlan>& plan() const { return m_plan; }
    // The errors shown, one a line; empty when there are none.
    QString errorText() const;
    // The editor for a parameter, for tests and for focus.
    QWidget* editor(const QString& name) const;

public slots:
    void accept() override;

private:
    struct Field;
    QWidget* makeEditor(Field& field);
    std::optional<std::string> valueOf(const Field& field) const;
    void showErrors(const QStringList& errors);

    Runbook m_runbook;
    Environment m_environment;
    std::vector<Field> m_fields;
    QLabel* m_errors;
    QCheckBox* m_dryRun;
    QDialogButtonBox* m_buttons;
    std::optional<RunPlan> m_plan;
};

} // namespace hopscope
