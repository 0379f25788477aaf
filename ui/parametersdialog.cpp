#include "parametersdialog.h"

#include "rendering.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

#include <limits>

namespace hopscope {

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

constexpr double kNumberRange = 1e12;

int decimalsOf(const std::string& number)
{
    const auto dot = number.find('.');
    return dot == std::string::npos ? 0 : int(number.size() - dot - 1);
}

} // namespace

struct ParametersDialog::Field {
    RunbookParam param;
    std::string defaultValue;     // rendered against the environment
    bool defaultIsSecret = false; // then it is never shown, and used unless something is typed
    QString defaultError;         // the default names something the environment lacks
    QLineEdit* line = nullptr;
    QComboBox* combo = nullptr;
    QSpinBox* integer = nullptr;
    QDoubleSpinBox* real = nullptr;
    QCheckBox* check = nullptr;
    QWidget* widget() const
    {
        if (line)
            return line;
        if (combo)
            return combo;
        if (integer)
            return integer;
        if (real)
            return real;
        return check;
    }
};

ParametersDialog::ParametersDialog(const Runbook& runbook, const Environment& environment, QWidget* parent)
    : QDialog(parent)
    , m_runbook(runbook)
    , m_environment(environment)
    , m_errors(new QLabel(this))
    , m_dryRun(new QCheckBox(tr("&Dry run: show every step with its values, run nothing"), this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Run %1").arg(q(runbook.title.empty() ? runbook.id : runbook.title)));
    auto* layout = new QVBoxLayout(this);

    auto* intro = new QLabel(tr("Values for <b>%1</b> on <b>%2</b>%3. Defaults come from the environment.")
                                 .arg(q(runbook.title).toHtmlEscaped(), q(environment.name).toHtmlEscaped(),
                                      environment.isProtected ? tr(" (protected)") : QString()),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    const ResolvedSecrets secrets = resolveSecrets(environment);
    m_fields.reserve(runbook.params.size());
    for (const RunbookParam& p : runbook.params) {
        Field& field = m_fields.emplace_back();
        field.param = p;
        if (!p.defaultValue.empty()) {
            const RenderedText def = renderText(p.defaultValue, environment, secrets);
            field.defaultError = q(def.error);
            field.defaultValue = def.error.empty() ? def.text : std::string();
            field.defaultIsSecret = !def.secretValues.empty();
        }
        QWidget* editor = makeEditor(field);
        const QString name = q(p.name);
        editor->setObjectName(name);
        editor->setAccessibleName(name);
        const QString help = q(p.description).trimmed();
        editor->setToolTip(help);
        editor->setAccessibleDescription(help);
        auto* label = new QLabel(p.required ? tr("%1 <span style='color:#c0392b'>*</span>").arg(name.toHtmlEscaped())
                                            : name.toHtmlEscaped(),
                                 this);
        label->setBuddy(editor);
        auto* cell = new QVBoxLayout;
        cell->setSpacing(2);
        cell->addWidget(editor);
        QString note = help;
        if (!field.defaultError.isEmpty())
            note += (note.isEmpty() ? QString() : QStringLiteral("\n"))
                  + tr("Its default (%1) cannot be filled: %2").arg(q(p.defaultValue), field.defaultError);
        if (!note.isEmpty()) {
            auto* helpLabel = new QLabel(note, this);
            helpLabel->setWordWrap(true);
            helpLabel->setForegroundRole(QPalette::PlaceholderText);
            cell->addWidget(helpLabel);
        }
        form->addRow(label, cell);
    }
    if (runbook.params.empty())
        form->addRow(new QLabel(tr("This runbook takes no values."), this));
    layout->addLayout(form);

    m_dryRun->setAccessibleName(tr("Dry run"));
    layout->addWidget(m_dryRun);

    m_errors->setObjectName(QStringLiteral("errors"));
    m_errors->setWordWrap(true);
    m_errors->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errors->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_errors->setAccessibleName(tr("Problems with the values"));
    m_errors->hide();
    layout->addWidget(m_errors);

    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Start run"));
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ParametersDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ParametersDialog::reject);
    connect(m_dryRun, &QCheckBox::toggled, this, [this](bool on) {
        m_buttons->button(QDialogButtonBox::Ok)->setText(on ? tr("&Start dry run") : tr("&Start run"));
    });
    setMinimumWidth(460);
}

ParametersDialog::~ParametersDialog() = default;

QWidget* ParametersDialog::makeEditor(Field& field)
{
    const RunbookParam& p = field.param;
    const std::string& def = field.defaultValue;
    switch (p.type) {
    case RunbookParam::Type::Choice: {
        field.combo = new QComboBox(this);
        for (const auto& choice : p.choices)
            field.combo->addItem(q(choice));
        field.combo->setCurrentIndex(field.combo->findText(q(def)));
        if (field.combo->currentIndex() < 0)
            field.combo->setPlaceholderText(tr("choose one"));
        break;
    }
    case RunbookParam::Type::Number:
        if (def.empty() || decimalsOf(def) == 0) {
            // The minimum reads "not set", so an unset number is not silently 0.
            field.integer = new QSpinBox(this);
            field.integer->setRange(std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
            field.integer->setSpecialValueText(tr("not set"));
            bool ok = false;
            const int value = q(def).toInt(&ok);
            field.integer->setValue(ok ? value : field.integer->minimum());
        } else {
            field.real = new QDoubleSpinBox(this);
            field.real->setDecimals(std::max(decimalsOf(def), 2));
            field.real->setRange(-kNumberRange, kNumberRange);
            field.real->setValue(q(def).toDouble());
        }
        break;
    case RunbookParam::Type::Boolean:
        field.check = new QCheckBox(tr("yes"), this);
        field.check->setChecked(def == "true");
        break;
    case RunbookParam::Type::Secret:
    case RunbookParam::Type::String:
        field.line = new QLineEdit(this);
        if (p.type == RunbookParam::Type::Secret || field.defaultIsSecret) {
            field.line->setEchoMode(QLineEdit::Password);
            if (!def.empty())
                field.line->setPlaceholderText(tr("default: the environment's secret"));
        } else {
            field.line->setText(q(def));
        }
        field.line->setClearButtonEnabled(true);
        break;
    }
    return field.widget();
}

std::optional<std::string> ParametersDialog::valueOf(const Field& field) const
{
    if (field.line)
        return field.line->text().isEmpty() && field.defaultIsSecret ? std::nullopt
                                                                     : std::optional(field.line->text().toStdString());
    if (field.combo)
        return field.combo->currentIndex() < 0 ? std::nullopt : std::optional(field.combo->currentText().toStdString());
    if (field.integer)
        return field.integer->value() == field.integer->minimum() ? std::nullopt
                                                                  : std::optional(std::to_string(field.integer->value()));
    if (field.real)
        return QString::number(field.real->value(), 'f', field.real->decimals()).toStdString();
    return std::string(field.check->isChecked() ? "true" : "false");
}

std::map<std::string, std::string> ParametersDialog::values() const
{
    std::map<std::string, std::string> out;
    for (const Field& field : m_fields) {
        const auto value = valueOf(field);
        if (!value || (*value == field.defaultValue && field.defaultError.isEmpty()))
            continue;
        // A number typed the same as its default but spelt differently is still the default.
        if (field.real && !field.defaultValue.empty() && q(*value).toDouble() == q(field.defaultValue).toDouble())
            continue;
        if (value->empty() && field.defaultValue.empty() && field.defaultError.isEmpty())
            continue;
        out[field.param.name] = *value;
    }
    return out;
}

bool ParametersDialog::dryRun() const
{
    return m_dryRun->isChecked();
}

void ParametersDialog::setDryRun(bool dryRun)
{
    m_dryRun->setChecked(dryRun);
}

QWidget* ParametersDialog::editor(const QString& name) const
{
    for (const Field& field : m_fields) {
        if (q(field.param.name) == name)
            return field.widget();
    }
    return nullptr;
}

QString ParametersDialog::errorText() const
{
    return m_errors->isHidden() ? QString() : m_errors->text();
}

void ParametersDialog::showErrors(const QStringList& errors)
{
    // makePlan speaks to the command line; here the values are in the fields above.
    static const QRegularExpression cliHint(QStringLiteral(";? ?give --param \\S+=VALUE"));
    QStringList shown;
    for (QString e : errors)
        shown << e.remove(cliHint);
    m_errors->setText(shown.join(QLatin1Char('\n')));
    m_errors->setVisible(!shown.isEmpty());
}

void ParametersDialog::accept()
{
    QStringList errors;
    QWidget* firstBad = nullptr;
    const auto given = values();
    for (const Field& field : m_fields) {
        const bool hasDefault = !field.defaultValue.empty() || field.defaultIsSecret;
        const auto value = valueOf(field);
        const bool missing = given.find(field.param.name) == given.end() ? !hasDefault : value && value->empty();
        field.widget()->setProperty("invalid", field.param.required && missing);
        if (field.param.required && missing) {
            errors << tr("%1 is required.").arg(q(field.param.name));
            if (!firstBad)
                firstBad = field.widget();
        }
    }
    if (errors.isEmpty()) {
        PlanResult made = makePlan(m_runbook, m_environment, given);
        errors = made.errors;
        m_plan = std::move(made.plan);
    }
    showErrors(errors);
    if (!errors.isEmpty() || !m_plan) {
        m_plan.reset();
        if (firstBad)
            firstBad->setFocus();
        return;
    }
    QDialog::accept();
}

} // namespace hopscope
