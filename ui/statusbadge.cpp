#include "statusbadge.h"

#include <QFont>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace hopscope::statusbadge {

QColor color(HopStatus status)
{
    switch (status) {
    case HopStatus::Green: return QColor(0x2f, 0x9e, 0x44);
    case HopStatus::Amber: return QColor(0xe8, 0xa3, 0x17);
    case HopStatus::Red: return QColor(0xe0, 0x31, 0x31);
    case HopStatus::Grey: break;
    }
    return QColor(0x86, 0x8e, 0x96);
}

namespace {

void paintMark(QPainter& painter, const QRectF& r, HopStatus status, bool stale, const QColor& ink)
{
    QPen pen(ink, r.width() * 0.13, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    painter.setPen(pen);
    painter.setBrush(Qt::NoBrush);
    const auto at = [&](qreal x, qreal y) { return QPointF(r.left() + x * r.width(), r.top() + y * r.height()); };
    if (stale) {
        painter.drawLine(at(0.5, 0.5), at(0.5, 0.27));
        painter.drawLine(at(0.5, 0.5), at(0.68, 0.6));
        return;
    }
    switch (status) {
    case HopStatus::Green: {
        QPainterPath tick(at(0.28, 0.52));
        tick.lineTo(at(0.44, 0.68));
        tick.lineTo(at(0.72, 0.36));
        painter.drawPath(tick);
        return;
    }
    case HopStatus::Red:
        painter.drawLine(at(0.33, 0.33), at(0.67, 0.67));
        painter.drawLine(at(0.67, 0.33), at(0.33, 0.67));
        return;
    case HopStatus::Amber:
        painter.drawLine(at(0.5, 0.36), at(0.5, 0.62));
        painter.drawPoint(at(0.5, 0.78));
        return;
    case HopStatus::Grey: {
        QFont font = painter.font();
        font.setBold(true);
        font.setPixelSize(qMax(1, qRound(r.height() * 0.7)));
        painter.setFont(font);
        painter.drawText(r, Qt::AlignCenter, QStringLiteral("?"));
        return;
    }
    }
}

} // namespace

void paint(QPainter& painter, const QRectF& rect, HopStatus status, bool stale)
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    const QColor fill = color(status);
    QColor ink = Qt::white;
    if (stale && status != HopStatus::Grey) {
        QPen dashed(fill, rect.width() * 0.1);
        dashed.setStyle(Qt::DashLine);
        painter.setPen(dashed);
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(rect.adjusted(1, 1, -1, -1));
        paintMark(painter, rect, status, true, fill);
        painter.restore();
        return;
    }
    switch (status) {
    case HopStatus::Amber: {
        QPainterPath triangle(QPointF(rect.center().x(), rect.top()));
        triangle.lineTo(rect.bottomRight());
        triangle.lineTo(rect.bottomLeft());
        triangle.closeSubpath();
        painter.setPen(QPen(fill, rect.width() * 0.08, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        painter.setBrush(fill);
        painter.drawPath(triangle);
        ink = QColor(0x21, 0x25, 0x29);  // white on amber is too faint to read
        break;
    }
    default:
        painter.setPen(Qt::NoPen);
        painter.setBrush(fill);
        painter.drawEllipse(rect);
        break;
    }
    paintMark(painter, rect, status, false, ink);
    painter.restore();
}

QIcon icon(HopStatus status, bool stale)
{
    QIcon result;
    for (const int size : {16, 24, 32, 48}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        paint(painter, QRectF(1, 1, size - 2, size - 2), status, stale);
        painter.end();
        result.addPixmap(pixmap);
    }
    return result;
}

} // namespace hopscope::statusbadge
