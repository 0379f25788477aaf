#include "hopitem.h"

#include "edgeitem.h"
#include "glyphs.h"
#include "hoptext.h"
#include "statusbadge.h"

#include <QFontMetricsF>
#include <QGraphicsScene>
#include <QPainter>
#include <QPalette>
#include <QStyleOptionGraphicsItem>

namespace hopscope {

namespace {
constexpr qreal Padding = 12;
constexpr qreal TileSize = 30;
constexpr qreal BadgeSize = 20;
constexpr qreal Radius = 8;
constexpr qreal StripWidth = 5;
} // namespace

HopItem::HopItem(const Hop& hop)
    : m_id(QString::fromStdString(hop.id))
    , m_title(HopText::title(hop))
    , m_kindName(HopText::kindName(hop.kind))
    , m_kind(hop.kind)
    , m_checkCount(static_cast<int>(hop.checks.size()))
    , m_keyFigure(HopText::keyFigure(HopStatus::NotProbed))
{
    setFlags(ItemIsSelectable | ItemIsFocusable | ItemSendsGeometryChanges);
    setCacheMode(DeviceCoordinateCache);
    setAcceptHoverEvents(true);
    setToolTip(QStringLiteral("<b>%1</b><br>%2 · %3").arg(m_title.toHtmlEscaped(), m_kindName, m_id.toHtmlEscaped()));
}

QSizeF HopItem::cardSize()
{
    return {196, 106};
}

QRectF HopItem::cardRect() const
{
    const QSizeF size = cardSize();
    return {-size.width() / 2, -size.height() / 2, size.width(), size.height()};
}

QRectF HopItem::boundingRect() const
{
    return cardRect().adjusted(-3, -3, 3, 3);  // room for the selection outline
}

void HopItem::setStatus(HopStatus status, const QString& keyFigure)
{
    if (status == m_status && keyFigure == m_keyFigure)
        return;
    m_status = status;
    m_keyFigure = keyFigure;
    update();
}

void HopItem::addEdge(EdgeItem* edge)
{
    m_edges << edge;
}

QPointF HopItem::inPort() const
{
    return mapToScene(QPointF(cardRect().left(), 0));
}

QPointF HopItem::outPort() const
{
    return mapToScene(QPointF(cardRect().right(), 0));
}

QVariant HopItem::itemChange(GraphicsItemChange change, const QVariant& value)
{
    if (change == ItemPositionHasChanged) {
        for (EdgeItem* edge : std::as_const(m_edges))
            edge->adjust();
    }
    return QGraphicsItem::itemChange(change, value);
}

void HopItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    // The scene follows the application palette, so cards follow light and dark themes.
    const QPalette palette = scene() ? scene()->palette() : QPalette();
    painter->setRenderHint(QPainter::Antialiasing);
    paintCard(*painter, palette);
    const QRectF card = cardRect();
    paintGlyph(*painter, palette, QRectF(card.left() + StripWidth + Padding, card.top() + Padding, TileSize, TileSize));
    paintText(*painter, palette);
    statusbadge::paint(*painter, QRectF(card.right() - Padding - BadgeSize, card.top() + Padding, BadgeSize, BadgeSize),
                       m_status);
}

void HopItem::paintCard(QPainter& painter, const QPalette& palette) const
{
    const QRectF card = cardRect();
    QPainterPath outline;
    outline.addRoundedRect(card, Radius, Radius);
    painter.fillPath(outline, palette.base());

    // The status colour runs down the left edge, to be seen from across the room.
    painter.save();
    painter.setClipPath(outline);
    painter.fillRect(QRectF(card.left(), card.top(), StripWidth, card.height()), statusbadge::color(m_status));
    painter.restore();

    if (isSelected())
        painter.setPen(QPen(palette.highlight(), 3));
    else
        painter.setPen(QPen(palette.color(QPalette::Mid), 1));
    painter.setBrush(Qt::NoBrush);
    painter.drawPath(outline);
}

void HopItem::paintGlyph(QPainter& painter, const QPalette& palette, const QRectF& tile) const
{
    QColor tint = palette.color(QPalette::Highlight);
    tint.setAlphaF(0.16f);
    painter.setPen(Qt::NoPen);
    painter.setBrush(tint);
    painter.drawRoundedRect(tile, 7, 7);

    painter.save();
    const qreal inset = 6;
    painter.translate(tile.topLeft() + QPointF(inset, inset));
    painter.scale((tile.width() - 2 * inset) / 24.0, (tile.height() - 2 * inset) / 24.0);
    painter.setPen(QPen(palette.color(QPalette::Text), 1.7, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.setBrush(Qt::NoBrush);
    painter.drawPath(glyphs::hopKind(m_kind));
    painter.restore();
}

// Top row: glyph, kind, status badge. Then the title across the whole card, then the
// key figure and the number of checks: the title gets the width, since it names the hop.
void HopItem::paintText(QPainter& painter, const QPalette& palette) const
{
    const QRectF card = cardRect();
    const qreal left = card.left() + StripWidth + Padding;
    const qreal width = card.right() - Padding - left;
    const QFont base = scene() ? scene()->font() : QFont();
    const QFontMetricsF metrics(base);

    const qreal kindLeft = left + TileSize + 8;
    const qreal kindWidth = card.right() - Padding - BadgeSize - 6 - kindLeft;
    painter.setFont(base);
    painter.setPen(palette.color(QPalette::PlaceholderText));
    painter.drawText(QRectF(kindLeft, card.top() + Padding, kindWidth, TileSize), Qt::AlignLeft | Qt::AlignVCenter,
                     metrics.elidedText(m_kindName, Qt::ElideRight, kindWidth));

    QFont titleFont = base;
    titleFont.setBold(true);
    titleFont.setPointSizeF(base.pointSizeF() * 1.1);
    const QFontMetricsF titleMetrics(titleFont);
    painter.setFont(titleFont);
    painter.setPen(palette.color(QPalette::Text));
    const QRectF titleRect(left, card.top() + Padding + TileSize + 6, width, titleMetrics.height());
    painter.drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter, titleMetrics.elidedText(m_title, Qt::ElideRight, width));

    // The bottom line carries the figure an engineer scans for: latency, rows, answers.
    const QRectF figureRect(left, card.bottom() - Padding - metrics.height(), width, metrics.height());
    const QString checks = HopText::checkCount(m_checkCount);
    const qreal checksWidth = metrics.horizontalAdvance(checks);
    painter.setFont(base);
    painter.setPen(palette.color(QPalette::PlaceholderText));
    painter.drawText(figureRect, Qt::AlignRight | Qt::AlignVCenter, checks);

    QFont figureFont = base;
    figureFont.setItalic(m_status == HopStatus::NotProbed);
    painter.setFont(figureFont);
    painter.setPen(palette.color(QPalette::Text));
    const qreal figureWidth = width - checksWidth - 8;
    painter.drawText(QRectF(left, figureRect.top(), figureWidth, figureRect.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     QFontMetricsF(figureFont).elidedText(m_keyFigure, Qt::ElideRight, figureWidth));
}

} // namespace hopscope
