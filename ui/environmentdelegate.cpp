#include "environmentdelegate.h"

#include "environmentlistmodel.h"

#include <QApplication>
#include <QPainter>

namespace hopscope {

namespace {
constexpr int Margin = 6;
constexpr int IconSize = 18;
} // namespace

QSize EnvironmentDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    const QFontMetrics metrics(option.font);
    return {Margin * 3 + IconSize + metrics.horizontalAdvance(QStringLiteral("production-blue")),
            Margin * 2 + metrics.height() * 2 + 2};
}

void EnvironmentDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    // The style draws the row's background, selection and focus; the text is ours.
    opt.text.clear();
    opt.icon = QIcon();
    const QStyle* style = opt.widget ? opt.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette::ColorGroup group = opt.state & QStyle::State_Enabled ? QPalette::Normal : QPalette::Disabled;
    const QColor text = opt.palette.color(group, selected ? QPalette::HighlightedText : QPalette::Text);
    QColor quiet = text;
    quiet.setAlphaF(0.7f);

    const QRect r = opt.rect.adjusted(Margin, Margin, -Margin, -Margin);
    const QFontMetrics metrics(opt.font);
    const QRect iconRect(r.left(), r.top() + (metrics.height() - IconSize) / 2, IconSize, IconSize);
    index.data(Qt::DecorationRole).value<QIcon>().paint(painter, iconRect);

    const int left = iconRect.right() + Margin;
    int right = r.right();
    if (index.data(EnvironmentListModel::ProtectedRole).toBool()) {
        const auto* model = qobject_cast<const EnvironmentListModel*>(index.model());
        const QRect lock(right - 14, r.top() + (metrics.height() - 14) / 2, 14, 14);
        if (model)
            model->protectedIcon().paint(painter, lock, Qt::AlignCenter, selected ? QIcon::Selected : QIcon::Normal);
        right = lock.left() - 4;
    }

    painter->save();
    QFont bold = opt.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(text);
    const QRect nameRect(left, r.top(), right - left, metrics.height());
    painter->drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(bold).elidedText(index.data(Qt::DisplayRole).toString(), Qt::ElideRight, nameRect.width()));
    painter->setFont(opt.font);
    painter->setPen(quiet);
    const QRect causeRect(left, nameRect.bottom() + 2, r.right() - left, metrics.height());
    const QString cause = index.data(EnvironmentListModel::CauseRole).toString();
    painter->drawText(causeRect, Qt::AlignLeft | Qt::AlignVCenter, metrics.elidedText(cause, Qt::ElideRight, causeRect.width()));
    painter->restore();
}

} // namespace hopscope
