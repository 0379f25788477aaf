#pragma once

#include <QStyledItemDelegate>

namespace hopscope {

// An environment row in two lines: status badge, name and a lock when protected; below, the
// likely cause (or how the path is) in a quieter colour, so the list alone tells the story.
class EnvironmentDelegate final : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace hopscope
